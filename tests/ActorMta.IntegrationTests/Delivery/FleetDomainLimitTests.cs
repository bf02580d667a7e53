using System.Globalization;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Dns;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.IntegrationTests.Delivery;

/// <summary>Invariant 5 across a fleet: one delivery actor per domain in the whole cluster, so its limits hold for all nodes together.</summary>
public sealed class FleetDomainLimitTests
{
    [Fact]
    public async Task Two_nodes_queueing_for_one_domain_never_open_more_connections_than_its_limit()
    {
        var journal = await PostgresServer.CreateDatabaseAsync();
        using var dns = LoopbackDnsServer.Start();
        await using var sink = TestSmtpSink.Start();
        dns.Zone("example.test").Mx("example.test", 10, "mx.example.test").A("mx.example.test", "127.0.0.1");
        var ports = new[] { FreePort.Tcp(), FreePort.Tcp() };
        using var fleet = new FleetCertificates();
        var hocon = $"""
            actormta.delivery.mx-port = {sink.Port}
            actormta.delivery.allow-private-destinations = on
            actormta.delivery.domains."example.test" {"{"} max-connections = 2, max-messages-per-connection = 10 {"}"}
            actormta.cluster.split-brain-stable-after = 5s
            """;
        Dictionary<string, string> Environment(int port) => new(fleet.Issue().Environment)
        {
            ["ACTORMTA_CLUSTER_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["ACTORMTA_SEED_NODES"] = $"akka.tcp://actormta@127.0.0.1:{ports[0]}",
            ["ACTORMTA_JOURNAL_PROVIDER"] = "postgresql",
            ["ACTORMTA_JOURNAL_CONNECTION_STRING"] = journal,
            ["ACTORMTA_DNS_SERVERS"] = dns.EndPoint.ToString(),
        };
        await using var first = await DeliveryNode.StartAsync(hocon, Environment(ports[0]));
        await using var second = await DeliveryNode.StartAsync(hocon, Environment(ports[1]));
        await Eventually.True(async () => (await first.GetJsonAsync("/cluster/members")).GetProperty("members").EnumerateArray()
            .Count(m => m.GetProperty("status").GetString() == "Up") == 2, TimeSpan.FromSeconds(60), "two members Up");

        var body = "Subject: fleet\r\n\r\nOne domain, two nodes.\r\n"u8.ToArray();
        await Task.WhenAll(Enumerable.Range(0, 120).Select(i => (i % 2 == 0 ? first : second).EnqueueAsync("sender@origin.test", ["rcpt@example.test"], body)));

        await sink.WaitForMessagesAsync(120, TimeSpan.FromSeconds(90));
        Assert.Equal(2, sink.MaxConcurrentConnections);
        // Both nodes see the same single delivery actor for the domain, wherever it runs.
        var seenFromFirst = await first.GetJsonAsync("/delivery/domains/example.test");
        var seenFromSecond = await second.GetJsonAsync("/delivery/domains/example.test");
        Assert.Equal(seenFromFirst.GetProperty("node").GetString(), seenFromSecond.GetProperty("node").GetString());
        Assert.Equal(120, seenFromSecond.GetProperty("delivered").GetInt32());
    }
}
