using System.Net;
using System.Net.Sockets;

namespace ActorMta.IntegrationTests.Infrastructure;

public static class FreePort
{
    private static readonly HashSet<int> Given = [];

    /// <summary>
    /// A TCP port that was free a moment ago on loopback (for processes that need a port up front),
    /// never one this test process was given before: several picked in a row must not collide.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Given)
                if (Given.Add(port)) return port;
        }
    }
}
