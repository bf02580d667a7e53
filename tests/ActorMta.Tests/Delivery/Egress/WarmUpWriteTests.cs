using System.Threading.Channels;
using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Routing;
using Microsoft.Extensions.Time.Testing;

namespace ActorMta.Tests.Delivery.Egress;

/// <summary>The warm-up file is written (and fsynced) at most once per write interval under steady sending, not once per message.</summary>
public sealed class WarmUpWriteTests
{
    private static readonly EgressSource A = new("a", null, "a.example.test");
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    private static WarmUpSettings Settings() => new(
        [new ProviderGroup("google", [DomainPattern.TryParse("*.google.com")!])],
        new Dictionary<string, IReadOnlyList<int>> { ["a"] = [1000] },
        File: null, WriteEvery: TimeSpan.FromSeconds(1));

    [Fact]
    public async Task Messages_taken_while_the_writer_pauses_make_one_write_after_the_pause_not_one_each()
    {
        var writes = Channel.CreateUnbounded<int>();
        var pauses = Channel.CreateUnbounded<(TimeSpan Interval, TaskCompletionSource Done)>();
        var warmUp = new WarmUp(Settings(), new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero)),
            usage => writes.Writer.TryWrite(usage.Sum(u => u.Sent)),
            (interval, _) =>
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                pauses.Writer.TryWrite((interval, done));
                return done.Task;
            });
        using var timeout = new CancellationTokenSource(Within);

        Assert.True(warmUp.TryTake(A, "google"));
        Assert.Equal(1, await writes.Reader.ReadAsync(timeout.Token));
        // The writer now pauses: a writer that wrote again at once (an fsync per change) never gets here.
        var (interval, pause) = await pauses.Reader.ReadAsync(timeout.Token);
        Assert.Equal(TimeSpan.FromSeconds(1), interval);

        for (var i = 0; i < 100; i++) Assert.True(warmUp.TryTake(A, "google"));
        Assert.False(writes.Reader.TryRead(out _));
        pause.SetResult();

        // One write for the hundred, then the next pause; nothing more until it ends.
        Assert.Equal(101, await writes.Reader.ReadAsync(timeout.Token));
        var (_, second) = await pauses.Reader.ReadAsync(timeout.Token);
        Assert.False(writes.Reader.TryRead(out _));
        second.SetResult();

        await warmUp.DisposeAsync();
        Assert.False(writes.Reader.TryRead(out _));
    }

    [Fact]
    public async Task A_clean_stop_cuts_the_pause_short_and_writes_what_is_left()
    {
        var writes = Channel.CreateUnbounded<int>();
        var paused = Channel.CreateUnbounded<bool>();
        var warmUp = new WarmUp(Settings(), new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero)),
            usage => writes.Writer.TryWrite(usage.Sum(u => u.Sent)),
            (_, cancel) =>
            {
                paused.Writer.TryWrite(true);
                return Task.Delay(Timeout.Infinite, cancel);
            });
        using var timeout = new CancellationTokenSource(Within);

        Assert.True(warmUp.TryTake(A, "google"));
        Assert.Equal(1, await writes.Reader.ReadAsync(timeout.Token));
        await paused.Reader.ReadAsync(timeout.Token);
        Assert.True(warmUp.TryTake(A, "google"));

        await warmUp.DisposeAsync();
        Assert.Equal(2, await writes.Reader.ReadAsync(timeout.Token));
    }
}
