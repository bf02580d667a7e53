using System.Net;
using System.Text;
using ActorMta.Smtp.Client;
using ActorMta.Smtp.Tests.Client.Support;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.Smtp.Tests.Client;

/// <summary>STARTTLS per policy, implicit TLS, plaintext injection before TLS, and AUTH only inside TLS.</summary>
public class TlsAndAuthTests
{
    private static readonly SinkCredentials Smarthost = new("relay-user", "s3cret pässword");

    [Theory]
    [InlineData(TlsPolicy.Opportunistic)]
    [InlineData(TlsPolicy.Required)]
    public async Task Uses_STARTTLS_when_offered_and_says_EHLO_again(TlsPolicy policy)
    {
        await using var sink = TestSmtpSink.Start();
        await using var session = await Outbound.ConnectAsync(sink, Outbound.Options(policy));

        Assert.True(session.IsTls);
        Assert.NotNull(session.TlsProtocol);
        Assert.NotNull(session.TlsCipher);
        Assert.False(session.Extensions.StartTls); // the EHLO inside TLS no longer offers it
        await session.SendAsync(Outbound.Message("Subject: tls\r\n\r\n", "r@sink.test"));
        Assert.True(Assert.Single(await sink.WaitForMessagesAsync(1, Outbound.Patience)).Tls);
        Assert.Equal(["EHLO client.test", "STARTTLS", "EHLO client.test"], sink.CommandLines()[..3]);
    }

    [Fact]
    public async Task Opportunistic_TLS_goes_on_in_clear_text_when_STARTTLS_is_not_offered()
    {
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { StartTls = false });
        await using var session = await Outbound.ConnectAsync(sink, Outbound.Options(TlsPolicy.Opportunistic));

        Assert.False(session.IsTls);
        Assert.Null(session.TlsProtocol);
        Assert.DoesNotContain("STARTTLS", sink.CommandLines());
    }

    [Fact]
    public async Task Opportunistic_TLS_goes_on_in_clear_text_when_STARTTLS_is_refused()
    {
        await using var server = ScriptedServer.Start(async peer =>
        {
            await peer.OfferStartTlsAsync();
            await peer.SendAsync("454 4.7.0 TLS not available due to temporary reason\r\n");
            await peer.SayGoodbyeAsync();
        });
        var session = await Outbound.ConnectAsync(server.EndPoint, Outbound.Options(TlsPolicy.Opportunistic));

        Assert.False(session.IsTls);
        Assert.True(session.IsUsable);
        await session.QuitAsync(CancellationToken.None);
        await server.Completion.WaitAsync(Outbound.Patience);
    }

    [Fact]
    public async Task Required_TLS_fails_transiently_when_STARTTLS_is_not_offered()
    {
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { StartTls = false });

        var failure = await Assert.ThrowsAsync<SmtpClientException>(() => Outbound.ConnectAsync(sink, Outbound.Options(TlsPolicy.Required)));

        Assert.Equal(SessionStage.StartTls, failure.Stage);
        Assert.False(failure.IsPermanent);
        Assert.DoesNotContain(sink.CommandLines(), l => l.StartsWith("MAIL"));
    }

    [Fact]
    public async Task Plain_policy_never_starts_TLS()
    {
        await using var sink = TestSmtpSink.Start();
        await using var session = await Outbound.ConnectAsync(sink, Outbound.Options(TlsPolicy.None));

        Assert.False(session.IsTls);
        Assert.True(session.Extensions.StartTls);
        Assert.Equal(["EHLO client.test"], sink.CommandLines());
    }

    [Fact]
    public async Task A_checked_certificate_that_does_not_verify_fails_the_handshake()
    {
        await using var sink = TestSmtpSink.Start();
        var options = Outbound.Options(TlsPolicy.Required) with { ValidateCertificate = true, ServerName = "sink.test" };

        var failure = await Assert.ThrowsAsync<SmtpClientException>(() => Outbound.ConnectAsync(sink, options));

        Assert.Equal(SessionStage.StartTls, failure.Stage);
        Assert.False(failure.IsPermanent);
        Assert.Contains("TLS handshake failed", failure.Message);
    }

    [Fact]
    public async Task A_failing_handshake_fails_an_opportunistic_session_too()
    {
        await using var server = ScriptedServer.Start(async peer =>
        {
            await peer.OfferStartTlsAsync();
            await peer.SendAsync("220 2.0.0 Ready to start TLS\r\n");
            await peer.SendAsync("this is not a TLS server hello\r\n");
            await peer.WaitForCloseAsync();
        });

        var failure = await Assert.ThrowsAsync<SmtpClientException>(() => Outbound.ConnectAsync(server.EndPoint, Outbound.Options(TlsPolicy.Opportunistic)));

        Assert.Equal(SessionStage.StartTls, failure.Stage);
        Assert.False(failure.IsPermanent); // the delivery stage may try again in clear text
        await server.Completion.WaitAsync(Outbound.Patience);
    }

    [Fact]
    public async Task Replies_injected_before_the_handshake_are_discarded()
    {
        // CVE-2011-0411 class: a man in the middle appends a fake EHLO reply to "220"; it must never
        // be read as the answer to the EHLO inside TLS.
        const string injected = "250-evil.example\r\n250-AUTH PLAIN\r\n250 SIZE 1\r\n";
        string? ehloInsideTls = null;
        await using var server = ScriptedServer.Start(async peer =>
        {
            await peer.OfferStartTlsAsync();
            await peer.SendAsync("220 2.0.0 Ready to start TLS\r\n" + injected); // one write: arrives with the 220
            await peer.StartTlsAsync();
            ehloInsideTls = await peer.ExpectAsync("EHLO");
            await peer.SendAsync("250-real.example\r\n250-PIPELINING\r\n250 SIZE 4096\r\n");
            await peer.SayGoodbyeAsync();
        });

        var session = await Outbound.ConnectAsync(server.EndPoint, Outbound.Options(TlsPolicy.Opportunistic));

        Assert.True(session.IsTls);
        Assert.Equal(Encoding.ASCII.GetByteCount(injected), session.DiscardedBeforeTls);
        Assert.Equal(4096, session.Extensions.MaxSize);
        Assert.True(session.Extensions.Pipelining);
        Assert.Empty(session.Extensions.AuthMechanisms);
        Assert.Equal("EHLO client.test", ehloInsideTls);
        await session.QuitAsync(CancellationToken.None);
        await server.Completion.WaitAsync(Outbound.Patience);
    }

    [Fact]
    public async Task Implicit_TLS_speaks_TLS_from_the_first_byte()
    {
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { StartTls = false });
        await using var front = new ImplicitTlsFront(sink.EndPoint);
        await using var session = await Outbound.ConnectAsync(front.EndPoint, Outbound.Options(TlsPolicy.Implicit));

        Assert.True(session.IsTls);
        Assert.Equal(220, session.Greeting.Code);
        var result = await session.SendAsync(Outbound.Message("Subject: smtps\r\n\r\nbody\r\n", "r@sink.test"));

        Assert.Equal([RecipientOutcome.Delivered], result.Outcomes());
        Assert.Equal("Subject: smtps\r\n\r\nbody\r\n", Assert.Single(await sink.WaitForMessagesAsync(1, Outbound.Patience)).BodyText);
    }

    [Fact]
    public async Task Implicit_TLS_against_a_plain_server_fails_in_the_handshake()
    {
        await using var sink = TestSmtpSink.Start();
        var options = Outbound.Options(TlsPolicy.Implicit) with { Timeouts = Outbound.Timeouts with { Command = TimeSpan.FromSeconds(2) } };

        var failure = await Assert.ThrowsAsync<SmtpClientException>(() => Outbound.ConnectAsync(sink, options));

        Assert.Equal(SessionStage.StartTls, failure.Stage);
        Assert.False(failure.IsPermanent);
    }

    [Fact]
    public async Task AUTH_PLAIN_inside_TLS_authenticates_to_a_smarthost()
    {
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Credentials = Smarthost });
        var options = Outbound.Options(TlsPolicy.Required) with { Credentials = new NetworkCredential(Smarthost.UserName, Smarthost.Password) };
        await using var session = await Outbound.ConnectAsync(sink, options);

        await session.SendAsync(Outbound.Message("Subject: relayed\r\n\r\n", "r@far.example"));

        var message = Assert.Single(await sink.WaitForMessagesAsync(1, Outbound.Patience));
        Assert.Equal(Smarthost.UserName, message.AuthenticatedUser);
        Assert.Contains(sink.CommandLines(), l => l.StartsWith("AUTH PLAIN "));
    }

    [Fact]
    public async Task Bad_credentials_are_a_permanent_AUTH_failure()
    {
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Credentials = Smarthost });
        var options = Outbound.Options(TlsPolicy.Required) with { Credentials = new NetworkCredential(Smarthost.UserName, "wrong") };

        var failure = await Assert.ThrowsAsync<SmtpClientException>(() => Outbound.ConnectAsync(sink, options));

        Assert.Equal(SessionStage.Auth, failure.Stage);
        Assert.True(failure.IsPermanent);
        Assert.Equal(535, failure.Reply?.Code);
        Assert.DoesNotContain("wrong", failure.Message);
    }

    [Fact]
    public async Task Credentials_are_never_sent_in_clear_text()
    {
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { StartTls = false, Credentials = Smarthost });
        var options = Outbound.Options(TlsPolicy.Opportunistic) with { Credentials = new NetworkCredential(Smarthost.UserName, Smarthost.Password) };

        var failure = await Assert.ThrowsAsync<SmtpClientException>(() => Outbound.ConnectAsync(sink, options));

        Assert.Equal(SessionStage.Auth, failure.Stage);
        Assert.True(failure.IsPermanent);
        await sink.WaitForCommandAsync("QUIT");
        Assert.DoesNotContain(sink.CommandLines(), l => l.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("235 2.7.0 Authentication successful", null)]
    [InlineData("454 4.7.0 Temporary authentication failure", false)]
    [InlineData("535 5.7.8 Authentication credentials invalid", true)]
    public async Task AUTH_LOGIN_when_only_the_old_AUTH_equals_form_offers_it(string outcome, bool? permanent)
    {
        var responses = new List<string>();
        await using var server = ScriptedServer.Start(async peer =>
        {
            await peer.OfferStartTlsAsync();
            await peer.SendAsync("220 2.0.0 Go ahead\r\n");
            await peer.StartTlsAsync();
            await peer.ExpectAsync("EHLO");
            await peer.SendAsync("250-mx.test\r\n250 AUTH=LOGIN\r\n");
            await peer.ExpectAsync("AUTH LOGIN");
            await peer.SendAsync("334 VXNlcm5hbWU6\r\n");
            responses.Add((await peer.ReadLineAsync())!);
            await peer.SendAsync("334 UGFzc3dvcmQ6\r\n");
            responses.Add((await peer.ReadLineAsync())!);
            await peer.SendAsync(outcome + "\r\n");
            await peer.SayGoodbyeAsync();
        });
        var options = Outbound.Options(TlsPolicy.Opportunistic) with { Credentials = new NetworkCredential("user", "pässword") };

        if (permanent is null)
        {
            var session = await Outbound.ConnectAsync(server.EndPoint, options);
            await session.QuitAsync(CancellationToken.None);
        }
        else
        {
            var failure = await Assert.ThrowsAsync<SmtpClientException>(() => Outbound.ConnectAsync(server.EndPoint, options));
            Assert.Equal(SessionStage.Auth, failure.Stage);
            Assert.Equal(permanent, failure.IsPermanent);
        }

        await server.Completion.WaitAsync(Outbound.Patience);
        Assert.Equal(["user", "pässword"], responses.Select(r => Encoding.UTF8.GetString(Convert.FromBase64String(r))));
    }
}
