using ActorMta.Tests.Ingress.Support;
using static ActorMta.Tests.Ingress.Support.IngressTestBed;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>A session cannot hold its connection slot for ever: caps on its lifetime and on its commands.</summary>
public sealed class SessionCapTests : IngressTestKit
{
    [Fact]
    public async Task A_session_past_its_command_cap_gets_421_and_is_closed()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.max-commands-per-session = 4");
        var capped = ActorMta.Ingress.IngressMetrics.SessionsCapped.Value;
        await using var client = await bed.HelloAsync(Untrusted); // 1

        Assert.StartsWith("250", await client.CommandAsync("NOOP")); // 2
        Assert.StartsWith("250", await client.CommandAsync("NOOP")); // 3
        Assert.StartsWith("250", await client.CommandAsync("NOOP")); // 4: answered, and the last one
        Assert.Equal("421 4.7.0 mx.test Error: too many commands in one session", await client.ReadReplyAsync());
        Assert.True(await client.ClosedByServerAsync());
        Assert.True(ActorMta.Ingress.IngressMetrics.SessionsCapped.Value > capped);
    }

    [Fact]
    public async Task A_session_idling_past_its_lifetime_gets_421_although_the_command_timeout_is_far()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.max-session-duration = 1s\nactormta.smtp.timeouts.command = 5m");
        // Greeted only: an EHLO could itself meet the cap on a loaded machine, and this must hold however slow it is.
        await using var client = await bed.GreetedAsync(Untrusted);

        // The client keeps quiet (as one sending NOOP every 4 minutes would between them): the session ends on its own.
        Assert.Equal("421 4.4.2 mx.test Error: session time limit exceeded", await client.ReadReplyAsync());
        Assert.True(await client.ClosedByServerAsync());
    }
}
