using ActorMta.Ingress.Listeners;
using ActorMta.Tests.Ingress.Support;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>The submission and smtps roles: TLS, then AUTH, before MAIL; then mail may go anywhere.</summary>
public sealed class SubmissionTests : IngressTestKit
{
    [Fact]
    public async Task Submission_wants_starttls_then_auth_before_mail()
    {
        await using var bed = new IngressTestBed(this, role: ListenerRole.Submission);
        await using var client = await bed.GreetedAsync();

        Assert.EndsWith("250 STARTTLS", await client.CommandAsync("EHLO client.test"));
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        await client.SecureAsync();
        Assert.Equal("530 5.7.0 Authentication required", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("235", await client.CommandAsync("AUTH PLAIN " + IngressTestBed.PlainResponse(IngressTestBed.User, IngressTestBed.Password)));
        Assert.StartsWith("250 2.1.0", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250 2.1.5", await client.CommandAsync("RCPT TO:<someone@far-away.example>"));
    }

    [Fact]
    public async Task Submission_wants_auth_even_from_trusted_networks()
    {
        await using var bed = new IngressTestBed(this, role: ListenerRole.Submission);
        await using var client = await bed.GreetedAsync(); // 127.0.0.1, trusted
        await client.SecureAsync();

        Assert.Equal("530 5.7.0 Authentication required", await client.CommandAsync("MAIL FROM:<a@example.com>"));
    }

    [Fact]
    public async Task Smtps_wants_auth_before_mail_and_relays_for_authenticated_clients()
    {
        await using var bed = new IngressTestBed(this, role: ListenerRole.Smtps);
        await using var client = await bed.ConnectAsync(IngressTestBed.Untrusted);
        await client.StartTlsAsync();
        Assert.StartsWith("220", await client.ReadReplyAsync());
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"));

        Assert.Equal("530 5.7.0 Authentication required", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("235", await client.CommandAsync("AUTH PLAIN " + IngressTestBed.PlainResponse(IngressTestBed.User, IngressTestBed.Password)));
        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@far-away.example"], "Subject: s\r\n\r\nx\r\n");
        var enqueue = await bed.ExpectEnqueueAsync();

        Assert.Equal("smtps", enqueue.Envelope.Client.Listener);
        Assert.Contains(" with ESMTPSA id ", IngressTestBed.Text(enqueue));
    }
}
