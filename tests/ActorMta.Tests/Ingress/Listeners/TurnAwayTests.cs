using ActorMta.Tests.Ingress.Support;
using static ActorMta.Tests.Ingress.Support.IngressTestBed;

namespace ActorMta.Tests.Ingress.Listeners;

/// <summary>Connections over a limit hear 421 and are closed; those closes are bounded in number and time.</summary>
public sealed class TurnAwayTests : IngressTestKit
{
    private const string TooManyFromClient = "421 4.7.0 mx.test Error: too many connections from your address";

    [Fact]
    public async Task Past_the_pending_turn_away_bound_a_connection_is_reset_without_a_421()
    {
        await using var bed = new IngressTestBed(this,
            "actormta.smtp.max-connections-per-client = 1\nactormta.smtp.turn-away.max-pending = 1\nactormta.smtp.turn-away.timeout = 1m");
        await using var admitted = await bed.HelloAsync(Untrusted);

        // The first one turned away reads its 421 but does not close: its close stays pending (up to the timeout).
        var held = await bed.ConnectAsync(Untrusted);
        Assert.Equal(TooManyFromClient, await held.ReadReplyAsync());

        // The bound is reached: the next one is closed at once, with no 421 to wait on (the reset may even reach the connect).
        Assert.Null(await ConnectAndReadAsync(bed));
        Assert.Equal(1, bed.TurnAway.Reset);

        // Once the held client closes, its close completes and the next one hears 421 again.
        await held.DisposeAsync();
        await ActorMta.TestSupport.Eventually.True(async () =>
        {
            return await ConnectAndReadAsync(bed) == TooManyFromClient;
        }, TimeSpan.FromSeconds(10), "a 421 once the pending turn-away ended");
    }

    /// <summary>The first reply to a new connection from <see cref="Untrusted"/>; null when it was closed or reset without one.</summary>
    private static async Task<string?> ConnectAndReadAsync(IngressTestBed bed)
    {
        try
        {
            await using var client = await bed.ConnectAsync(Untrusted);
            return await client.TryReadReplyAsync();
        }
        catch (Exception e) when (e is IOException || e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset })
        {
            return null;
        }
    }
}
