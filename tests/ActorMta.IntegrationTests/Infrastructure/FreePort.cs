using System.Net;
using System.Net.Sockets;

namespace ActorMta.IntegrationTests.Infrastructure;

public static class FreePort
{
    /// <summary>A TCP port that was free a moment ago on loopback (for processes that need a port up front).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
