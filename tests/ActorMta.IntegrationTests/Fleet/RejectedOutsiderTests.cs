using ActorMta.Host;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;
using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;

namespace ActorMta.IntegrationTests.Fleet;

/// <summary>
/// (f) Rejected outsider: a real node with the fleet's certificate runs mutual TLS on its cluster port.
/// A peer with a certificate from the fleet CA joins it and reaches its actors (the control); peers with
/// another CA's certificate, with no client certificate, or on plain TCP never become members and
/// their messages never arrive. And the node refuses to talk to a server that is not the fleet's.
/// </summary>
public sealed class RejectedOutsiderTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Only_a_peer_with_the_fleet_certificate_joins_or_reaches_an_actor_of_a_secured_node()
    {
        using var fleet = new FleetCertificates();
        using var strangers = new FleetCertificates("Some other CA");
        using var data = new TempDirectory();
        await using var node = await StartSecuredNodeAsync(fleet, data);
        var secured = Cluster.Get(node.System).SelfAddress;
        Assert.Equal("akka.ssl.tcp", secured.Protocol);
        var mailbox = FleetPeer.Recorder.Start(node.System, "fleet-mailbox");

        await using var otherCa = FleetPeer.Start(strangers.Issue("outsider").Certificate);
        await using var noClientCertificate = FleetPeer.Start(strangers.Issue("anonymous").Certificate, presentToServers: false);
        await using var plain = FleetPeer.Start(certificate: null);
        var outsiders = new[] { ("another CA's certificate", otherCa, secured), ("no client certificate", noClientCertificate, secured),
            ("plain TCP", plain, secured.WithProtocol("akka.tcp")) };
        foreach (var (what, outsider, target) in outsiders)
        {
            var refused = FleetPeer.Recorder.Start(outsider.System, "lifecycle");
            outsider.System.EventStream.Subscribe(refused.Ref, typeof(AssociationErrorEvent));
            outsider.System.EventStream.Subscribe(refused.Ref, typeof(DisassociatedEvent));
            Cluster.Get(outsider.System).Join(target);
            outsider.System.ActorSelection(new RootActorPath(target) / "user" / "fleet-mailbox").Tell($"from outsider with {what}");
            await refused.WaitForAsync(e => e is AssociationErrorEvent or DisassociatedEvent, Within, $"the secured node refusing the outsider with {what}");
        }

        // The control: the same kind of peer with the fleet CA's certificate joins and is heard.
        await using var member = FleetPeer.Start(fleet.Issue("member").Certificate);
        Cluster.Get(member.System).Join(secured);
        member.System.ActorSelection(new RootActorPath(secured) / "user" / "fleet-mailbox").Tell("from a fleet member");
        await mailbox.WaitForAsync(m => Equals(m, "from a fleet member"), Within, "the member's message on the secured node");
        await Eventually.True(() => Task.FromResult(UpMembers(node).Contains(member.Address)), Within, "the member Up on the secured node");

        Assert.Equal(["from a fleet member"], mailbox.Messages);
        var members = Cluster.Get(node.System).State.Members;
        Assert.True(members.Select(m => m.Address).Order().SequenceEqual(new[] { secured, member.Address }.Order()) && members.All(m => m.Status == MemberStatus.Up),
            $"members of the secured node: {string.Join(", ", members)}");
        foreach (var (_, outsider, _) in outsiders)
            Assert.DoesNotContain(Cluster.Get(outsider.System).State.Members, m => m.Status == MemberStatus.Up);
    }

    [Fact]
    public async Task A_secured_node_sends_nothing_to_a_server_without_the_fleet_certificate_and_stops()
    {
        using var fleet = new FleetCertificates();
        using var strangers = new FleetCertificates("Some other CA");
        using var data = new TempDirectory();
        await using var node = await StartSecuredNodeAsync(fleet, data);
        await using var impostor = FleetPeer.Start(strangers.Issue("impostor").Certificate);
        var refused = FleetPeer.Recorder.Start(node.System, "lifecycle");
        node.System.EventStream.Subscribe(refused.Ref, typeof(AssociationErrorEvent));

        node.System.ActorSelection(new RootActorPath(impostor.Address) / "user" / "fleet-mailbox").Tell("queue state for an impostor");

        await refused.WaitForAsync(e => e is AssociationErrorEvent error && error.RemoteAddress == impostor.Address, Within,
            "the secured node refusing a server without the fleet certificate");
        // Akka.Remote 1.5.73 treats a failed outbound TLS handshake as fatal: CoordinatedShutdown (TlsHandshakeFailureReason).
        await node.System.WhenTerminated.WaitAsync(Within); // throws TimeoutException if the node kept running
        Assert.Empty(impostor.Mailbox.Messages);
    }

    [Fact]
    public async Task A_node_whose_seed_lacks_the_fleet_certificate_stops_with_exit_code_4()
    {
        using var fleet = new FleetCertificates();
        using var strangers = new FleetCertificates("Some other CA");
        using var data = new TempDirectory();
        await using var impostor = FleetPeer.Start(strangers.Issue("impostor seed").Certificate);
        var environment = TestNode.IsolatedEnvironment(data.Path);
        foreach (var (name, value) in fleet.Issue("joining node").Environment) environment[name] = value;
        environment["ACTORMTA_SEED_NODES"] = impostor.Address.ToString();

        var (exitCode, output) = await HostProcess.RunToExitAsync(environment);

        // Not 0: an orchestrator (or an operator) must see that the node did not stop because it was told to.
        Assert.True(exitCode == 4, $"exit code {exitCode}; output: {output}");
        Assert.Empty(impostor.Mailbox.Messages);
    }

    /// <summary>A real node in-process with a certificate from <paramref name="fleet"/>'s CA.</summary>
    private static Task<ActorMtaNode> StartSecuredNodeAsync(FleetCertificates fleet, TempDirectory data)
    {
        var environment = TestNode.IsolatedEnvironment(data.Path);
        foreach (var (name, value) in fleet.Issue("secured node").Environment) environment[name] = value;
        return TestNode.StartAsync(environment);
    }

    private static Address[] UpMembers(ActorMtaNode node) =>
        Cluster.Get(node.System).State.Members.Where(m => m.Status == MemberStatus.Up).Select(m => m.Address).ToArray();
}
