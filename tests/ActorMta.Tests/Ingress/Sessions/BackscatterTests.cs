using ActorMta.Queue;
using ActorMta.Smtp;
using ActorMta.Tests.Ingress.Support;
using static ActorMta.Tests.Ingress.Support.IngressTestBed;
using ActorMta.Contracts;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>
/// Issue 10 item 6, backscatter: an untrusted client (possibly with a forged sender) gets no success or
/// delay DSNs sent to that sender; its NOTIFY=SUCCESS/DELAY is taken as NOTIFY=FAILURE, the RCPT still accepted.
/// </summary>
public sealed class BackscatterTests : IngressTestKit
{
    private const string Accepted = "actormta.smtp.accepted-domains = [\"accepted.example\"]";

    private static async Task<SmtpEnvelope> EnvelopeAsync(IngressTestBed bed, WireClient client, string notify)
    {
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<forged@victim.example>"));
        Assert.Equal("250 2.1.5 Recipient ok", await client.CommandAsync($"RCPT TO:<user@accepted.example> NOTIFY={notify}"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendAsync("Subject: x\r\n\r\nbody\r\n.\r\n");
        return (await bed.ExpectEnqueueAsync()).Envelope;
    }

    [Theory]
    [InlineData("SUCCESS", DsnNotify.Failure)]
    [InlineData("SUCCESS,DELAY", DsnNotify.Failure)]
    [InlineData("DELAY", DsnNotify.Failure)]
    [InlineData("SUCCESS,FAILURE,DELAY", DsnNotify.Failure)]
    [InlineData("FAILURE", DsnNotify.Failure)]
    [InlineData("NEVER", DsnNotify.Never)]
    public async Task An_untrusted_clients_NOTIFY_asks_for_failure_DSNs_at_most(string notify, DsnNotify kept)
    {
        await using var bed = new IngressTestBed(this, Accepted);
        await using var client = await bed.HelloAsync(Untrusted);

        var envelope = await EnvelopeAsync(bed, client, notify);

        Assert.Equal(kept, Assert.Single(envelope.Recipients).Notify);
    }

    [Fact]
    public async Task A_trusted_clients_NOTIFY_is_kept()
    {
        await using var bed = new IngressTestBed(this, Accepted);
        await using var client = await bed.HelloAsync(); // 127.0.0.1, in trusted-networks

        var envelope = await EnvelopeAsync(bed, client, "SUCCESS,DELAY");

        Assert.Equal(DsnNotify.Success | DsnNotify.Delay, Assert.Single(envelope.Recipients).Notify);
    }

    [Fact]
    public async Task An_authenticated_clients_NOTIFY_is_kept()
    {
        await using var bed = new IngressTestBed(this, Accepted);
        await using var client = await bed.AuthenticatedAsync(Untrusted);

        var envelope = await EnvelopeAsync(bed, client, "SUCCESS");

        Assert.Equal(DsnNotify.Success, Assert.Single(envelope.Recipients).Notify);
    }
}
