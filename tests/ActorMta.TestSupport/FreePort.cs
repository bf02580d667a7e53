using System.Net;
using System.Net.Sockets;

namespace ActorMta.TestSupport;

/// <summary>Finds free ports by letting the OS pick one (bind to port 0), for servers that must be told a port up front.</summary>
public static class FreePort
{
    private static readonly HashSet<int> Given = [];

    /// <summary>
    /// A TCP port that is free on <paramref name="address"/> (default 127.0.0.1) right now, and never
    /// one this test process was given before: ports picked in a row for one fleet must not collide.
    /// </summary>
    public static int Tcp(IPAddress? address = null)
    {
        while (true)
        {
            var listener = new TcpListener(address ?? IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                lock (Given)
                    if (Given.Add(port)) return port;
            }
            finally
            {
                listener.Stop();
            }
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
