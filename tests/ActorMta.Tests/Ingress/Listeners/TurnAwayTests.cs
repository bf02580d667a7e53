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

        // The bound is reached: the next one is closed at once, with no 421 to wait on.
        await using (var reset = await bed.ConnectAsync(Untrusted))
            Assert.Null(await TryReplyAsync(reset));

        // Once the held client closes, its close completes and the next one hears 421 again.
        await held.DisposeAsync();
        await ActorMta.TestSupport.Eventually.True(async () =>
        {
            await using var next = await bed.ConnectAsync(Untrusted);
            return await TryReplyAsync(next) == TooManyFromClient;
        }, TimeSpan.FromSeconds(10), "a 421 once the pending turn-away ended");
    }

    private static async Task<string?> TryReplyAsync(WireClient client)
    {
        try
        {
            return await client.TryReadReplyAsync();
        }
        catch (IOException)
        {
            return null; // reset
        }
    }
}
