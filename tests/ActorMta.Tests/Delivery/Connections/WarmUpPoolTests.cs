using System.Collections.Immutable;
using ActorMta.Contracts;
using ActorMta.Delivery.Connections;
using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Limits;
using ActorMta.Delivery.Routing;
using ActorMta.Smtp;
using ActorMta.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace ActorMta.Tests.Delivery.Connections;

/// <summary>Weighted pools and warm-up caps in the connection pool, with a fake clock for "today" and no actors.</summary>
public sealed class WarmUpPoolTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 22, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyList<NextHop> GoogleHops = [new NextHop("gmail-smtp-in.l.google.com", ImmutableArray<System.Net.IPEndPoint>.Empty)];
    private static readonly IReadOnlyList<NextHop> OtherHops = [new NextHop("mx.example.test", ImmutableArray<System.Net.IPEndPoint>.Empty)];
    private static readonly DomainLimits Limits = new(MaxConnections: 1, MaxMessagesPerSecond: 0, MaxNewConnectionsPerSecond: 0,
        MaxMessagesPerConnection: 1000, MaxRecipientsPerTransaction: 100, IdleTimeout: TimeSpan.FromSeconds(30));
    private static readonly EgressSource A = new("a", null, "a.example.test");
    private static readonly EgressSource B = new("b", null, "b.example.test");

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private WarmUpSettings Settings(params (string Source, int[] Schedule)[] schedules) => new(
        [new ProviderGroup("google", [DomainPattern.TryParse("*.google.com")!, DomainPattern.TryParse("*.googlemail.com")!])],
        schedules.ToDictionary(s => s.Source, s => (IReadOnlyList<int>)s.Schedule),
        Path.Combine(_data.Path, "warmup.json"));

    private static ConnectionPool<string> Pool(EgressPool pool, WarmUp? warmUp)
    {
        var made = 0;
        return new ConnectionPool<string>(pool, warmUp, (source, _) => $"{source.Source.Name}#{++made}");
    }

    /// <summary>Delivers <paramref name="count"/> messages: each connection finishes at once and takes the next; returns the sender of each.</summary>
    private static List<string> Deliver(ConnectionPool<string> pool, int count, IReadOnlyList<NextHop> hops)
    {
        var waiting = new Queue<DeliveryRequest>(Enumerable.Range(1, count).Select(i => Request(i)));
        var sentBy = new List<string>();
        while (waiting.Count > 0)
        {
            var opening = pool.OpenFor(waiting.Count, Start, Limits, hops);
            if (opening.Capped is not null) break;
            foreach (var connection in pool.All.Where(c => c.State == ConnectionState.Opening)) connection.State = ConnectionState.Idle;
            var before = sentBy.Count;
            pool.Assign(Start, Limits, () => waiting.Count > 0, () => waiting.TryDequeue(out var r) ? r : null, (c, _) => sentBy.Add(c.Source.Source.Name));
            foreach (var connection in pool.All.Where(c => c.State == ConnectionState.Busy)) connection.State = ConnectionState.Idle;
            if (sentBy.Count == before) break;
        }
        return sentBy;
    }

    [Fact]
    public void A_source_capped_at_50_a_day_for_a_provider_sends_50_and_the_rest_overflow_to_the_pools_other_source()
    {
        var warmUp = new WarmUp(Settings(("a", [50, 100])), _clock);
        var pool = Pool(new EgressPool("fresh", [new WeightedSource(A, 5), new WeightedSource(B, 1)]), warmUp);

        var sentBy = Deliver(pool, 120, GoogleHops);

        Assert.Equal(120, sentBy.Count);
        Assert.Equal(50, sentBy.Count(s => s == "a"));
        Assert.Equal(70, sentBy.Count(s => s == "b"));
        Assert.True(warmUp.IsCapped(A, "google"));
        Assert.Equal("google", pool.ProviderGroup);
        // A fresh domain actor (another Google-hosted domain) opens no connection from the capped source.
        var other = Pool(new EgressPool("fresh", [new WeightedSource(A, 5), new WeightedSource(B, 1)]), warmUp);
        other.OpenFor(2, Start, Limits with { MaxConnections = 5 }, GoogleHops);
        Assert.All(other.All, c => Assert.Equal("b", c.Source.Source.Name));
    }

    [Fact]
    public void When_every_source_is_capped_the_waiting_mail_waits_until_the_next_utc_day_with_a_reason_and_then_day_2_allows_more()
    {
        var warmUp = new WarmUp(Settings(("a", [3, 5]), ("b", [2])), _clock);
        var pool = Pool(new EgressPool("fresh", [new WeightedSource(A, 1), new WeightedSource(B, 1)]), warmUp);

        Assert.Equal(5, Deliver(pool, 10, GoogleHops).Count);

        var opening = pool.OpenFor(5, Start, Limits, null); // the route is known: no need to resolve again to know
        var capped = Assert.IsType<ConnectionPool<string>.WarmUpCapped>(opening.Capped);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), capped.Until);
        Assert.Equal((451, "4.7.0"), (capped.Reply.Code, capped.Reply.EnhancedCode));
        Assert.Contains("fresh (a, b)", capped.Reply.Text);
        Assert.Contains("google", capped.Reply.Text);

        _clock.Advance(TimeSpan.FromHours(2)); // day 2: a may send 5, b has no cap after its last day
        var today = warmUp.TodayAll().Single(t => t.Source == "a");
        Assert.Equal((2, 0, (int?)5), (today.DayNumber, today.Sent, today.Cap));
        Assert.Null(pool.OpenFor(1, _clock.GetUtcNow(), Limits, GoogleHops).Capped);
    }

    [Fact]
    public void Mail_to_a_host_outside_every_provider_group_is_not_capped()
    {
        var warmUp = new WarmUp(Settings(("a", [2])), _clock);
        var pool = Pool(new EgressPool("solo", [new WeightedSource(A, 1)]), warmUp);

        Assert.Equal(10, Deliver(pool, 10, OtherHops).Count);
        Assert.Null(pool.ProviderGroup);
    }

    [Fact]
    public async Task Counts_and_the_schedules_first_day_survive_a_restart_through_the_file()
    {
        var first = new WarmUp(Settings(("a", [50, 100])), _clock);
        for (var i = 0; i < 50; i++) Assert.True(first.TryTake(A, "google"));
        Assert.False(first.TryTake(A, "google"));
        await first.DisposeAsync();

        var restarted = new WarmUp(Settings(("a", [50, 100])), _clock);
        Assert.True(restarted.IsCapped(A, "google"));
        Assert.False(restarted.TryTake(A, "google"));

        _clock.Advance(TimeSpan.FromDays(1));
        var again = new WarmUp(Settings(("a", [50, 100])), _clock);
        var today = Assert.Single(again.TodayAll());
        Assert.Equal((2, 0, (int?)100), (today.DayNumber, today.Sent, today.Cap));
    }

    [Fact]
    public void A_given_back_message_frees_its_place_under_the_cap()
    {
        var warmUp = new WarmUp(Settings(("a", [1])), _clock);
        Assert.True(warmUp.TryTake(A, "google"));
        Assert.False(warmUp.TryTake(A, "google"));
        warmUp.Release(A, "google");
        Assert.True(warmUp.TryTake(A, "google"));
        Assert.True(warmUp.TryTake(B, "google")); // b has no schedule
    }

    [Fact]
    public void New_connections_follow_the_pools_weights()
    {
        var pool = Pool(new EgressPool("weighted", [new WeightedSource(A, 3), new WeightedSource(B, 1)]), null);

        pool.OpenFor(8, Start, Limits with { MaxConnections = 100 }, OtherHops);

        Assert.Equal(6, pool.All.Count(c => c.Source.Source.Name == "a"));
        Assert.Equal(2, pool.All.Count(c => c.Source.Source.Name == "b"));
    }

    [Fact]
    public void One_connection_at_a_time_still_follows_the_weights_over_many_openings()
    {
        var pool = Pool(new EgressPool("weighted", [new WeightedSource(A, 2), new WeightedSource(B, 1)]), null);
        var opened = new List<string>();
        for (var i = 0; i < 9; i++)
        {
            pool.OpenFor(1, Start, Limits, OtherHops);
            var connection = Assert.Single(pool.All);
            opened.Add(connection.Source.Source.Name);
            pool.Remove(connection.Connection);
        }
        Assert.Equal(6, opened.Count(s => s == "a"));
        Assert.Equal(3, opened.Count(s => s == "b"));
    }

    private static DeliveryRequest Request(long dispatch) => new("gmail.test", 0, $"q{dispatch}", dispatch, "s@origin.test",
        [new DeliveryRecipient(0, "r@gmail.test", DsnNotify.Unspecified, null, 1)], BodyType.Unspecified, false, 10, Start, Start.AddDays(1));
}
