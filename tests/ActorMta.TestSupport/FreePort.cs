using System.Net;
using System.Net.Sockets;

namespace ActorMta.TestSupport;

/// <summary>Finds free ports by letting the OS pick one (bind to port 0), for servers that must be told a port up front.</summary>
public static class FreePort
{
    /// <summary>A TCP port that is free on <paramref name="address"/> (default 127.0.0.1) right now.</summary>
    public static int Tcp(IPAddress? address = null)
    {
        var listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>A port number that is free for both TCP and UDP on <paramref name="address"/> (DNS serves both on one port).</summary>
    public static int TcpAndUdp(IPAddress? address = null)
    {
        var bindAddress = address ?? IPAddress.Loopback;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var listener = new TcpListener(bindAddress, 0);
            listener.Start();
            try
            {
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                using var udp = new Socket(bindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                try
                {
                    udp.Bind(new IPEndPoint(bindAddress, port));
                    return port;
                }
                catch (SocketException)
                {
                    // The UDP side of this number is taken; ask for another.
                }
            }
            finally
            {
                listener.Stop();
            }
        }

        throw new InvalidOperationException($"No port free for both TCP and UDP on {bindAddress} after 50 attempts.");
    }
}
