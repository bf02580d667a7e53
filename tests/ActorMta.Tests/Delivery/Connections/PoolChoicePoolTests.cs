using System.Collections.Immutable;
using ActorMta.Contracts;
using ActorMta.Delivery;
using ActorMta.Delivery.Connections;
using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Limits;
using ActorMta.Delivery.Routing;
using ActorMta.Smtp;
using Microsoft.Extensions.Time.Testing;

namespace ActorMta.Tests.Delivery.Connections;

/// <summary>Requests that ask for a named egress pool go out only over connections from that pool's sources.</summary>
public sealed class PoolChoicePoolTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyList<NextHop> Hops = [new NextHop("mx.example.test", ImmutableArray<System.Net.IPEndPoint>.Empty)];
    private static readonly IReadOnlyList<NextHop> GoogleHops = [new NextHop("gmail-smtp-in.l.google.com", ImmutableArray<System.Net.IPEndPoint>.Empty)];
    private static readonly DomainLimits Limits = new(MaxConnections: 2, MaxMessagesPerSecond: 0, MaxNewConnectionsPerSecond: 0,
        MaxMessagesPerConnection: 100, MaxRecipientsPerTransaction: 100, IdleTimeout: TimeSpan.FromSeconds(30));
    private static readonly EgressSource A = new("a", null, "a.example.test");
    private static readonly EgressSource B = new("b", null, "b.example.test");
    private static readonly EgressSource C = new("c", null, "c.example.test");
    private static readonly EgressPool Domain = new("main", [new WeightedSource(A, 1)]);
    private static readonly Dictionary<string, EgressPool> Named = new()
    {
        ["main"] = Domain,
        ["b"] = new EgressPool("b", [new WeightedSource(B, 1), new WeightedSource(C, 1)]),
        ["shared"] = new EgressPool("shared", [new WeightedSource(A, 1), new WeightedSource(B, 1)]),
    };

    private static ConnectionPool<string> Pool(WarmUp? warmUp = null)
    {
        var made = 0;
        return new ConnectionPool<string>(Domain, warmUp, (source, _) => $"{source.Source.Name}#{++made}", Named);
    }

    private static DeliveryRequest Request(int number, string? pool) => new("dest.example", 0, $"Q{number}", number, "s@src.example",
        [new DeliveryRecipient(0, "r@dest.example", DsnNotify.Unspecified, null, 1)], BodyType.Unspecified, false, 10, Start, Start.AddDays(1), Pool: pool);

    /// <summary>Opens for what waits, makes every connection idle, assigns: which source carried which queue id.</summary>
    private static List<(string Source, string QueueId)> Round(ConnectionPool<string> pool, Backlog<DeliveryRequest> backlog, IReadOnlyList<NextHop> hops)
    {
        pool.OpenFor(backlog.ByPool, Start, Limits, hops);
        foreach (var connection in pool.All.Where(c => c.State == ConnectionState.Opening)) connection.State = ConnectionState.Idle;
        var sent = new List<(string, string)>();
        pool.Assign(Start, Limits, () => backlog.Count > 0, match => backlog.TryTakeFirst(match, out var r) ? r : null,
            (c, r) => sent.Add((c.Source.Source.Name, r.QueueId)));
        return sent;
    }

    [Fact]
    public void A_request_for_pool_b_opens_and_goes_over_b_sources_and_one_for_none_over_the_domains_pool()
    {
        var pool = Pool();
        var backlog = new Backlog<DeliveryRequest>(pool.PoolOf);
        backlog.Enqueue(Request(1, "b"));
        backlog.Enqueue(Request(2, null));
        backlog.Enqueue(Request(3, "b"));

        var sent = Round(pool, backlog, Hops);

        Assert.Equal(["a#", "b#", "c#"], pool.All.Select(c => c.Connection[..2]).Order());
        Assert.Equal([("a", "Q2"), ("b", "Q1"), ("c", "Q3")], sent.OrderBy(s => s.Source));
        Assert.Equal("main", pool.PoolOf(Request(4, "nosuch"))); // a pool gone from the settings: the domain's
    }

    [Fact]
    public void An_idle_connection_of_the_domains_pool_never_carries_mail_that_asked_for_another_pool()
    {
        var pool = Pool();
        var backlog = new Backlog<DeliveryRequest>(pool.PoolOf);
        backlog.Enqueue(Request(1, null));
        Round(pool, backlog, Hops);
        foreach (var connection in pool.All) connection.State = ConnectionState.Idle; // a#1 is idle again

        backlog.Enqueue(Request(2, "b"));
        var sent = Round(pool, backlog, Hops);

        Assert.Equal([("b", "Q2")], sent);
        Assert.Equal(ConnectionState.Idle, pool.All.Single(c => c.Connection == "a#1").State);
    }

    [Fact]
    public void A_source_in_two_pools_carries_mail_of_both_and_its_connection_limit_holds_across_them()
    {
        var pool = Pool();
        var backlog = new Backlog<DeliveryRequest>(pool.PoolOf);
        for (var i = 1; i <= 3; i++) backlog.Enqueue(Request(i, null));

        Round(pool, backlog, Hops); // a: 2 connections (its limit), one request left waiting
        foreach (var connection in pool.All) connection.State = ConnectionState.Idle;
        backlog.Enqueue(Request(4, "shared"));
        var sent = Round(pool, backlog, Hops);

        Assert.Equal(2, pool.All.Count(c => c.Source.Source == A));
        Assert.Contains(("a", "Q3"), sent);
        Assert.Contains(sent, s => s.QueueId == "Q4" && s.Source is "a" or "b");
    }

    [Fact]
    public void A_pool_whose_sources_are_all_capped_is_reported_alone_and_the_others_still_open()
    {
        var clock = new FakeTimeProvider(Start);
        var warmUp = new WarmUp(new WarmUpSettings([new ProviderGroup("google", [DomainPattern.TryParse("*.google.com")!])],
            new Dictionary<string, IReadOnlyList<int>> { ["b"] = [1], ["c"] = [1] }, null), clock);
        Assert.True(warmUp.TryTake(B, "google"));
        Assert.True(warmUp.TryTake(C, "google"));
        var pool = Pool(warmUp);

        var opening = pool.OpenFor(new Dictionary<string, int> { ["b"] = 2, ["main"] = 1 }, Start, Limits, GoogleHops);

        Assert.Equal(1, opening.Opened);
        Assert.Equal("b", Assert.Single(opening.AllCapped!).Pool);
        Assert.Contains("egress pool b (b, c)", opening.Capped!.Reply.Text);
        Assert.Equal(["a#1"], pool.All.Select(c => c.Connection));
    }
}
