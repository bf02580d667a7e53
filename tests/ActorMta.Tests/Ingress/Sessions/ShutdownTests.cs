using ActorMta.Ingress.Listeners;
using ActorMta.Tests.Ingress.Support;
using Akka;
using Akka.Actor;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>CoordinatedShutdown's two steps as the listener sees them: stop accepting, then end the sessions with 421.</summary>
public sealed class ShutdownTests : IngressTestKit
{
    [Fact]
    public async Task An_idle_session_hears_421_and_the_listener_answers_once_all_have_ended()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        var ended = bed.Listener.Ask<Done>(SmtpListener.EndSessions.Instance, TimeSpan.FromSeconds(10));

        Assert.Equal("421 4.3.2 mx.test Service shutting down, try again later", await client.ReadReplyAsync());
        Assert.True(await client.ClosedByServerAsync());
        Assert.Equal(Done.Instance, await ended);
    }

    [Fact]
    public async Task A_session_in_the_middle_of_a_message_finishes_it_first()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.org>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendAsync("Subject: last one\r\n\r\n");

        var ended = bed.Listener.Ask<Done>(SmtpListener.EndSessions.Instance, TimeSpan.FromSeconds(10));
        await client.SendAsync("still coming\r\n.\r\n");
        await bed.ExpectEnqueueAsync();
        bed.Enqueued("01ABCDEFGHJKMNPQ00");

        Assert.Equal(["250 2.0.0 Ok: queued as 01ABCDEFGHJKMNPQ00", "421 4.3.2 mx.test Service shutting down, try again later"], await client.ReadRepliesAsync(2));
        Assert.Equal(Done.Instance, await ended);
    }

    [Fact]
    public async Task After_stop_accepting_the_port_is_closed_and_open_sessions_go_on()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        Assert.Equal(Done.Instance, await bed.Listener.Ask<Done>(SmtpListener.StopAccepting.Instance, TimeSpan.FromSeconds(10)));

        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => bed.ConnectAsync());
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task A_stopped_listener_closes_its_sessions_sockets()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();
        Assert.Equal(1, bed.Limiter.Open);

        // Whatever stops a session (here: its parent listener going away), its socket goes with it.
        Sys.Stop(bed.Listener);

        Assert.True(await client.ClosedByServerAsync());
    }
}
