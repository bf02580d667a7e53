using System.Collections.Immutable;
using ActorMta.Contracts;
using ActorMta.Delivery.Connections;
using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Limits;
using ActorMta.Smtp;

namespace ActorMta.Tests.Delivery.Connections;

/// <summary>The delivery actor's connection pool without actors: connections are names its factory makes.</summary>
public sealed class ConnectionPoolTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyList<NextHop> Hops = [new NextHop("mx.example.test", ImmutableArray<System.Net.IPEndPoint>.Empty)];
    private static readonly DomainLimits Limits = new(MaxConnections: 2, MaxMessagesPerSecond: 0, MaxNewConnectionsPerSecond: 0,
        MaxMessagesPerConnection: 100, MaxRecipientsPerTransaction: 100, IdleTimeout: TimeSpan.FromSeconds(30));

    private static ConnectionPool<string> Pool(params string[] sources)
    {
        var made = 0;
        return new ConnectionPool<string>([.. sources.Select(s => new EgressSource(s, null, $"{s}.example.test"))], (source, _) => $"{source.Source.Name}#{++made}");
    }

    [Fact]
    public void Connections_open_from_the_source_with_fewest_rotating_among_equals_up_to_each_sources_limit()
    {
        var pool = Pool("a", "b");

        var opening = pool.OpenFor(5, Start, Limits, Hops);

        Assert.Equal(4, opening.Opened);
        Assert.Equal(["a#1", "b#2", "a#3", "b#4"], pool.All.Select(c => c.Connection));
        Assert.Null(opening.Wake); // a connection limit, not a rate: nothing to wait for
        Assert.Equal(4, pool.OpeningCount);
    }

    [Fact]
    public void Opening_connections_count_against_the_waiting_work_and_a_stopped_one_frees_its_sources_place()
    {
        var pool = Pool("a");
        Assert.Equal(2, pool.OpenFor(2, Start, Limits, Hops).Opened);
        Assert.Equal(0, pool.OpenFor(2, Start, Limits, Hops).Opened); // two are opening for those two already

        Assert.Equal("a#1", pool.Remove("a#1")!.Connection);
        Assert.Null(pool.Remove("a#1"));
        Assert.Equal(1, pool.OpenFor(3, Start, Limits, Hops).Opened); // one place free again at source a
        Assert.Equal(2, pool.Count);
    }

    [Fact]
    public void Without_a_route_nothing_opens_and_the_pool_asks_for_one_only_if_a_source_could_take_it()
    {
        var pool = Pool("a");
        Assert.Equal(new ConnectionPool<string>.Opening(0, NeedsRoute: true, null), pool.OpenFor(1, Start, Limits, null));
        Assert.Equal(0, pool.Count);
        pool.OpenFor(2, Start, Limits, Hops);
        Assert.False(pool.OpenFor(3, Start, Limits, null).NeedsRoute); // at its limit: a route would not help
    }

    [Fact]
    public void The_new_connection_rate_holds_openings_back_and_says_when_the_next_is_allowed()
    {
        var pool = Pool("a");
        var limits = Limits with { MaxConnections = 10, MaxNewConnectionsPerSecond = 2 };

        var first = pool.OpenFor(5, Start, limits, Hops);
        Assert.Equal(2, first.Opened); // one early after a pause, then one interval apart
        Assert.Equal(Start + TimeSpan.FromMilliseconds(500), first.Wake);
        Assert.Equal(1, pool.OpenFor(5, first.Wake!.Value, limits, Hops).Opened);
    }

    [Fact]
    public void Idle_connections_take_waiting_requests_as_their_sources_message_rate_allows()
    {
        var pool = Pool("a");
        var limits = Limits with { MaxMessagesPerSecond = 1 };
        pool.OpenFor(2, Start, limits, Hops);
        foreach (var connection in pool.All) connection.State = ConnectionState.Idle;
        var waiting = new Queue<DeliveryRequest>([Request(1), Request(2), Request(3)]);
        var sent = new List<(string, long)>();

        var wake = pool.Assign(Start, limits, () => waiting.Count > 0, () => waiting.TryDequeue(out var r) ? r : null, (c, r) => sent.Add((c.Connection, r.DispatchId)));

        // One source at one message a second: one now, one early (after a pause), the third must wait.
        Assert.Equal([("a#1", 1L), ("a#2", 2L)], sent);
        Assert.All(pool.All, c => Assert.Equal(ConnectionState.Busy, c.State));
        Assert.Null(wake); // no idle connection was held back by the rate
        Assert.Single(waiting);

        var idle = pool.All.First();
        idle.State = ConnectionState.Idle;
        idle.Carrying = null;
        wake = pool.Assign(Start, limits, () => waiting.Count > 0, () => waiting.TryDequeue(out var r) ? r : null, (c, r) => sent.Add((c.Connection, r.DispatchId)));
        Assert.Equal(Start + TimeSpan.FromSeconds(1), wake);
        Assert.Single(waiting);
        Assert.Null(pool.Assign(wake!.Value, limits, () => waiting.Count > 0, () => waiting.TryDequeue(out var r) ? r : null,
            (c, r) => sent.Add((c.Connection, r.DispatchId))));
        Assert.Equal(("a#1", 3L), sent[^1]);
        Assert.Equal(3, idle.Carrying!.DispatchId);
    }

    [Fact]
    public void Idle_connections_past_the_idle_timeout_are_named_for_closing()
    {
        var pool = Pool("a");
        pool.OpenFor(2, Start, Limits, Hops);
        var connections = pool.All.ToArray();
        connections[0].State = ConnectionState.Idle;
        connections[0].IdleSince = Start;
        connections[1].State = ConnectionState.Busy;

        Assert.Empty(pool.IdleFor(Start + TimeSpan.FromSeconds(29), Limits.IdleTimeout));
        Assert.Equal(["a#1"], pool.IdleFor(Start + TimeSpan.FromSeconds(30), Limits.IdleTimeout).Select(c => c.Connection));
        Assert.Equal(2, pool.Live);
        connections[0].State = ConnectionState.Closing;
        Assert.Equal(1, pool.Live);
        Assert.True(pool.AnyBusy);
    }

    private static DeliveryRequest Request(long dispatch) => new("example.test", 0, $"q{dispatch}", dispatch, "s@origin.test",
        [new DeliveryRecipient(0, "r@example.test", DsnNotify.Unspecified, null, 1)], BodyType.Unspecified, false, 10, Start, Start.AddDays(1));
}
