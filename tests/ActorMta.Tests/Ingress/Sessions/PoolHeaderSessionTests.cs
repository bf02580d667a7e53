using ActorMta.Tests.Ingress.Support;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>The pool header in a session: removed from every message, honoured only from a client that may relay.</summary>
public sealed class PoolHeaderSessionTests : IngressTestKit
{
    private const string Accepted = "actormta.smtp.accepted-domains = [\"accepted.example\"]";
    private const string WithHeader = "Subject: x\r\nX-ActorMta-Pool: nosuch\r\n\r\nbody\r\n";

    [Fact]
    public async Task An_untrusted_clients_pool_header_is_removed_and_ignored()
    {
        await using var bed = new IngressTestBed(this, Accepted);
        await using var client = await bed.HelloAsync(IngressTestBed.Untrusted);

        await IngressTestBed.SendMessageAsync(client, "s@sender.example", ["user@accepted.example"], WithHeader);
        var enqueue = await bed.ExpectEnqueueAsync();

        Assert.Null(enqueue.Envelope.Pool);
        Assert.Equal("Subject: x\r\n\r\nbody\r\n", IngressTestBed.Content(enqueue));
    }

    [Fact]
    public async Task A_trusted_clients_header_naming_no_pool_is_refused_at_the_end_of_data_and_nothing_is_queued()
    {
        await using var bed = new IngressTestBed(this, Accepted);
        await using var client = await bed.HelloAsync();

        await IngressTestBed.SendMessageAsync(client, "s@sender.example", ["user@elsewhere.example"], WithHeader);

        Assert.Equal("554 5.6.0 X-ActorMta-Pool names egress pool 'nosuch' but this relay defines no egress pools", await client.ReadReplyAsync());
        bed.ExpectNothingQueued();
    }
}
