using System.Net;
using System.Net.Sockets;

namespace ActorMta.TestSupport;

/// <summary>
/// Finds free ports for servers that must be told a port up front. They come from below the kernel's
/// ephemeral range (ip_local_port_range), never from it: a node killed and started again on its ports
/// found one of them taken, in the moment between, as the source port of some client's outgoing
/// connection (CrashSafetyTests, "address already in use"). Below that range no outgoing connection
/// is ever given a port.
/// </summary>
public static class FreePort
{
    private static readonly HashSet<int> Given = [];
    private static readonly (int Low, int High) Range = BelowEphemeral();

    private static (int Low, int High) BelowEphemeral()
    {
        try
        {
            var ephemeralLow = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0]);
            if (ephemeralLow > 12000) return (10000, ephemeralLow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return (0, 0); // unknown: let the OS pick (port 0)
    }

    /// <summary>A candidate port: random below the ephemeral range, or 0 (the OS picks) where that range is unknown.</summary>
    private static int Candidate() => Range.High > 0 ? Random.Shared.Next(Range.Low, Range.High) : 0;

    /// <summary>
    /// A TCP port that is free on <paramref name="address"/> (default 127.0.0.1) right now, and never
    /// one this test process was given before: ports picked in a row for one fleet must not collide.
    /// </summary>
    public static int Tcp(IPAddress? address = null)
    {
        while (true)
        {
            var listener = new TcpListener(address ?? IPAddress.Loopback, Candidate());
            try
            {
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                lock (Given)
                    if (Given.Add(port)) return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
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
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var listener = new TcpListener(bindAddress, Candidate());
            try
            {
                listener.Start();
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
            catch (SocketException)
            {
                // The TCP side is taken: try another.
            }
            finally
            {
                listener.Stop();
            }
        }

        throw new InvalidOperationException($"No port free for both TCP and UDP on {bindAddress} after 200 attempts.");
    }
}
