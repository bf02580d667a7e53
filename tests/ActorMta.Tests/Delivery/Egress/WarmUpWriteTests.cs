using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Routing;
using Microsoft.Extensions.Time.Testing;

namespace ActorMta.Tests.Delivery.Egress;

/// <summary>The warm-up file is written (and fsynced) at most once per write interval under steady sending, not once per message.</summary>
public sealed class WarmUpWriteTests
{
    private static readonly EgressSource A = new("a", null, "a.example.test");
    private static readonly DateTimeOffset Day = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static WarmUpSettings Settings() => new(
        [new ProviderGroup("google", [DomainPattern.TryParse("*.google.com")!])],
        new Dictionary<string, IReadOnlyList<int>> { ["a"] = [1000] },
        File: null, WriteEvery: TimeSpan.FromSeconds(1));

    [Fact]
    public async Task Messages_taken_within_one_write_interval_make_one_write_not_one_each()
    {
        var writes = new List<int>();
        var timer = new FakeTimeProvider(Day);
        var warmUp = new WarmUp(Settings(), new FakeTimeProvider(Day), usage => { lock (writes) writes.Add(usage.Sum(u => u.Sent)); }, timer);

        for (var i = 0; i < 101; i++) Assert.True(warmUp.TryTake(A, "google"));
        timer.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(writes); // a writer that wrote per change (an fsync per message) fails here
        timer.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([101], writes);

        // Nothing changed: no more writes; the next change waits for its own interval.
        timer.Advance(TimeSpan.FromSeconds(5));
        Assert.True(warmUp.TryTake(A, "google"));
        Assert.Equal([101], writes);
        timer.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([101, 102], writes);

        await warmUp.DisposeAsync();
        Assert.Equal([101, 102], writes);
    }

    [Fact]
    public async Task A_clean_stop_writes_what_is_left_without_waiting_for_the_interval()
    {
        var writes = new List<int>();
        var warmUp = new WarmUp(Settings(), new FakeTimeProvider(Day), usage => writes.Add(usage.Sum(u => u.Sent)), new FakeTimeProvider(Day));

        Assert.True(warmUp.TryTake(A, "google"));
        Assert.True(warmUp.TryTake(A, "google"));
        Assert.Empty(writes);

        await warmUp.DisposeAsync();
        Assert.Equal([2], writes);
    }
}
