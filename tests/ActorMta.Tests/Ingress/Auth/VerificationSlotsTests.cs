using ActorMta.Ingress.Auth;

namespace ActorMta.Tests.Ingress.Auth;

public sealed class VerificationSlotsTests
{
    [Fact]
    public async Task Checks_past_the_running_and_waiting_bound_are_refused_at_once_and_the_rest_run_in_turn()
    {
        var slots = new VerificationSlots(parallel: 1, queued: 1);
        using var release = new ManualResetEventSlim();
        var running = slots.RunAsync(() => release.Wait(TimeSpan.FromSeconds(30)));
        var waiting = slots.RunAsync(() => true);

        Assert.Null(await slots.RunAsync(() => true)); // a third: neither a slot nor a place in the queue
        Assert.Equal(1, slots.Refused);
        Assert.False(waiting.IsCompleted);

        release.Set();
        Assert.True(await running);
        Assert.True(await waiting);
        Assert.Equal(0, slots.Admitted);
        Assert.True(await slots.RunAsync(() => true));
    }
}
