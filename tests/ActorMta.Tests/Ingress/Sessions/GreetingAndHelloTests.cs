using ActorMta.Ingress.Listeners;
using ActorMta.Tests.Ingress.Support;

namespace ActorMta.Tests.Ingress.Sessions;

public sealed class GreetingAndHelloTests : IngressTestKit
{
    [Fact]
    public async Task The_greeting_names_the_host_and_the_configured_text()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.greeting = \"ESMTP ready\"");
        await using var client = await bed.ConnectAsync();

        Assert.Equal("220 mx.test ESMTP ready", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Ehlo_before_tls_offers_starttls_and_no_auth()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();

        var ehlo = await client.CommandAsync("EHLO client.test");

        Assert.Equal(
            "250-mx.test\n250-PIPELINING\n250-SIZE 26214400\n250-8BITMIME\n250-SMTPUTF8\n250-ENHANCEDSTATUSCODES\n250-CHUNKING\n250-DSN\n250 STARTTLS",
            ehlo);
    }

    [Fact]
    public async Task Ehlo_under_tls_offers_auth_and_no_starttls()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();

        var ehlo = await client.SecureAsync();

        Assert.EndsWith("250-DSN\n250 AUTH PLAIN LOGIN", ehlo);
        Assert.DoesNotContain("STARTTLS", ehlo);
    }

    [Fact]
    public async Task Size_is_advertised_from_the_setting()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.max-message-size = 1MiB");
        await using var client = await bed.GreetedAsync();

        Assert.Contains("250-SIZE 1048576", await client.CommandAsync("EHLO client.test"));
    }

    [Fact]
    public async Task Helo_answers_one_line_and_offers_no_extensions()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();

        Assert.Equal("250 mx.test", await client.CommandAsync("HELO client.test"));
        // Without EHLO there are no ESMTP parameters (RFC 5321 4.1.1.1).
        Assert.Equal("555 5.5.4 Unsupported MAIL FROM parameter", await client.CommandAsync("MAIL FROM:<a@example.com> SIZE=10"));
        Assert.StartsWith("250 2.1.0", await client.CommandAsync("MAIL FROM:<a@example.com>"));
    }

    [Theory]
    [InlineData("EHLO", "501 5.5.4 Syntax: EHLO hostname")]
    [InlineData("HELO", "501 5.5.4 Syntax: HELO hostname")]
    [InlineData("EHLO not a name", "501 5.5.4 Syntax: EHLO hostname")]
    [InlineData("EHLO [300.1.1.1]", "501 5.5.4 Syntax: EHLO hostname")]
    public async Task A_bad_hello_is_a_syntax_error(string command, string reply)
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();

        Assert.Equal(reply, await client.CommandAsync(command));
        Assert.Equal("503 5.5.1 Error: send HELO/EHLO first", await client.CommandAsync("MAIL FROM:<a@example.com>"));
    }

    [Fact]
    public async Task Ehlo_accepts_an_address_literal_and_starts_over()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));

        Assert.StartsWith("250-mx.test", await client.CommandAsync("EHLO [127.0.0.1]"));
        // EHLO ended the transaction (RFC 5321 4.1.4).
        Assert.Equal("503 5.5.1 Error: need MAIL command", await client.CommandAsync("RCPT TO:<b@example.com>"));
    }

    [Fact]
    public async Task The_smtps_listener_greets_only_inside_tls()
    {
        await using var bed = new IngressTestBed(this, role: ListenerRole.Smtps);
        await using var client = await bed.ConnectAsync();

        await client.StartTlsAsync();

        Assert.Equal("220 mx.test ESMTP ActorMta", await client.ReadReplyAsync());
        var ehlo = await client.CommandAsync("EHLO client.test");
        Assert.EndsWith("250 AUTH PLAIN LOGIN", ehlo);
        Assert.DoesNotContain("STARTTLS", ehlo);
    }
}
