using ActorMta.Tests.Ingress.Support;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>STARTTLS (RFC 3207): the session starts over inside TLS, and plaintext sent behind STARTTLS never runs.</summary>
public sealed class TlsTests : IngressTestKit
{
    [Fact]
    public async Task After_starttls_the_client_must_say_ehlo_again()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();
        Assert.Equal("220 2.0.0 Ready to start TLS", await client.CommandAsync("STARTTLS"));
        await client.StartTlsAsync();

        Assert.Equal("503 5.5.1 Error: send HELO/EHLO first", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250-mx.test", await client.CommandAsync("EHLO client.test"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
    }

    [Fact]
    public async Task Commands_sent_in_clear_behind_starttls_are_dropped_not_run_inside_tls()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RSET"));

        // CVE-2011-0411: an attacker on the path appends commands to the client's STARTTLS packet.
        await client.SendAsync("STARTTLS\r\nMAIL FROM:<evil@attacker.test>\r\nRCPT TO:<victim@example.org>\r\n");
        Assert.Equal("220 2.0.0 Ready to start TLS", await client.ReadReplyAsync());
        await client.StartTlsAsync();

        // The first reply inside TLS answers our EHLO: nothing of the injected commands ran.
        Assert.StartsWith("250-mx.test", await client.CommandAsync("EHLO client.test"));
        Assert.Equal("503 5.5.1 Error: need MAIL command", await client.CommandAsync("RCPT TO:<victim@example.org>"));
        Assert.Equal("503 5.5.1 Error: need MAIL command", await client.CommandAsync("DATA"));
    }

    [Fact]
    public async Task Starttls_twice_or_after_helo_is_refused()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();
        Assert.StartsWith("250", await client.CommandAsync("HELO client.test"));
        Assert.Equal("503 5.5.1 Error: send EHLO first", await client.CommandAsync("STARTTLS"));

        await client.SecureAsync();

        Assert.Equal("503 5.5.1 Error: TLS already active", await client.CommandAsync("STARTTLS"));
    }

    [Fact]
    public async Task Starttls_on_the_smtps_listener_is_refused()
    {
        await using var bed = new IngressTestBed(this, role: ActorMta.Ingress.Listeners.ListenerRole.Smtps);
        await using var client = await bed.ConnectAsync();
        await client.StartTlsAsync();
        Assert.StartsWith("220", await client.ReadReplyAsync());
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"));

        Assert.Equal("503 5.5.1 Error: TLS already active", await client.CommandAsync("STARTTLS"));
    }

    [Fact]
    public async Task The_trace_header_notes_tls_and_the_protocol_is_esmtps()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();
        await client.SecureAsync();

        await IngressTestBed.SendMessageAsync(client, "a@example.com", ["b@example.org"], "Subject: tls\r\n\r\nx\r\n");
        var enqueue = await bed.ExpectEnqueueAsync();

        var protocol = client.Tls!.SslProtocol == System.Security.Authentication.SslProtocols.Tls13 ? "TLSv1.3" : "TLSv1.2";
        var cipher = client.Tls.NegotiatedCipherSuite.ToString();
        Assert.StartsWith($"Received: from client.test ([127.0.0.1])\r\n\t(using {protocol} with cipher {cipher})\r\n\tby mx.test (ActorMta) with ESMTPS id ",
            IngressTestBed.Text(enqueue));
        Assert.Equal(protocol, enqueue.Envelope.Client.TlsProtocol);
        Assert.Equal(cipher, enqueue.Envelope.Client.TlsCipher);
    }

    [Fact]
    public async Task A_failed_handshake_ends_the_session_without_a_crash()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();
        Assert.StartsWith("220", await client.CommandAsync("STARTTLS"));

        await client.SendAsync("this is not a TLS ClientHello\r\n");

        Assert.True(await client.ClosedByServerAsync());
        // The listener still serves others.
        await using var next = await bed.HelloAsync();
        Assert.Equal("250 2.0.0 Ok", await next.CommandAsync("NOOP"));
    }
}
