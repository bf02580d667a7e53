using ActorMta.IntegrationTests.Delivery;
using ActorMta.TestSupport.Dns;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.IntegrationTests.Management;

/// <summary>
/// One node for the dashboard tests: example.test's MX is a loopback sink, at most two dashboard
/// streams, a snapshot every 200ms (so the page moves quickly without the test waiting long). Shared by the
/// dashboard test classes (<see cref="DashboardCollection"/>), which so run one after the other.
/// </summary>
public sealed class DashboardNode : IAsyncLifetime
{
    public const int MaxStreams = 2;
    private readonly LoopbackDnsServer _dns = LoopbackDnsServer.Start();

    public TestSmtpSink Sink { get; } = TestSmtpSink.Start();
    internal DeliveryNode Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _dns.Zone("example.test").Mx("example.test", 10, "mx.example.test").A("mx.example.test", "127.0.0.1");
        Node = await DeliveryNode.StartAsync($$"""
            actormta.delivery { mx-port = {{Sink.Port}}, allow-private-destinations = on }
            actormta.management.dashboard { interval = 200ms, max-streams = {{MaxStreams}} }
            """, new Dictionary<string, string> { ["ACTORMTA_DNS_SERVERS"] = _dns.EndPoint.ToString() });
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Sink.DisposeAsync();
        _dns.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardNode>
{
    public const string Name = "dashboard node";
}
