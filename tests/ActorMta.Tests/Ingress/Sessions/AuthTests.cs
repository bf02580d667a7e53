using ActorMta.Tests.Ingress.Support;
using static ActorMta.Tests.Ingress.Support.IngressTestBed;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>AUTH PLAIN and LOGIN (RFC 4954, RFC 4616), only under TLS, against the PBKDF2 credentials file.</summary>
public sealed class AuthTests : IngressTestKit
{
    [Fact]
    public async Task Auth_without_tls_is_refused()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.HelloAsync();

        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism", await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, Password)));
    }

    [Fact]
    public async Task Plain_with_an_initial_response()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();
        await client.SecureAsync();

        Assert.Equal("235 2.7.0 Authentication successful", await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, Password)));
    }

    [Fact]
    public async Task Plain_after_an_empty_challenge()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();
        await client.SecureAsync();

        Assert.Equal("334 ", await client.CommandAsync("AUTH PLAIN"));
        Assert.Equal("235 2.7.0 Authentication successful", await client.CommandAsync(PlainResponse(User, Password)));
    }

    [Fact]
    public async Task Plain_with_its_own_name_as_authorization_identity()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();
        await client.SecureAsync();

        Assert.Equal("235 2.7.0 Authentication successful", await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, Password, authorize: User)));
    }

    [Fact]
    public async Task Login_step_by_step_and_with_an_initial_response()
    {
        await using var bed = new IngressTestBed(this);
        await using var first = await bed.GreetedAsync();
        await first.SecureAsync();
        Assert.Equal("334 VXNlcm5hbWU6", await first.CommandAsync("auth login"));
        Assert.Equal("334 UGFzc3dvcmQ6", await first.CommandAsync(Base64(OtherUser)));
        Assert.Equal("235 2.7.0 Authentication successful", await first.CommandAsync(Base64(OtherPassword)));

        await using var second = await bed.GreetedAsync();
        await second.SecureAsync();
        Assert.Equal("334 UGFzc3dvcmQ6", await second.CommandAsync("AUTH LOGIN " + Base64(OtherUser)));
        Assert.Equal("235 2.7.0 Authentication successful", await second.CommandAsync(Base64(OtherPassword)));
    }

    [Theory]
    [InlineData(User, "wrong password", "")]
    [InlineData("mallory", Password, "")]
    [InlineData(User, Password, OtherUser)] // acting for another user
    [InlineData(User, "", "")]
    public async Task Bad_credentials_get_535(string user, string password, string authorize)
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();
        await client.SecureAsync();

        Assert.Equal("535 5.7.8 Authentication credentials invalid", await client.CommandAsync("AUTH PLAIN " + PlainResponse(user, password, authorize)));
        // Unauthenticated clients still relay nowhere but to accepted domains, and may try again.
        Assert.Equal("235 2.7.0 Authentication successful", await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, Password)));
    }

    [Theory]
    [InlineData("*", "501 5.0.0 Authentication aborted")]
    [InlineData("not base64!", "501 5.5.2 Cannot decode response")]
    [InlineData("AGFsaWNl", "501 5.5.2 Cannot decode response")] // "\0alice": two parts, not three
    public async Task A_cancelled_or_undecodable_response_gets_501(string response, string reply)
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();
        await client.SecureAsync();
        Assert.Equal("334 ", await client.CommandAsync("AUTH PLAIN"));

        Assert.Equal(reply, await client.CommandAsync(response));
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Unknown_mechanisms_and_a_second_auth_are_refused()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();
        await client.SecureAsync();

        Assert.Equal("504 5.5.4 Unrecognized authentication type", await client.CommandAsync("AUTH CRAM-MD5"));
        Assert.Equal("235 2.7.0 Authentication successful", await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, Password)));
        Assert.Equal("503 5.5.1 Error: already authenticated", await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, Password)));
    }

    [Fact]
    public async Task Too_many_failures_close_the_connection_and_refuse_the_address_late()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.auth.max-failures = 2\nactormta.smtp.auth.failure-delay = 1s");
        await using (var client = await bed.GreetedAsync(Untrusted))
        {
            await client.SecureAsync();
            Assert.Equal("535 5.7.8 Authentication credentials invalid", await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, "guess 1")));
            Assert.Equal("535 5.7.8 Authentication credentials invalid", await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, "guess 2")));
            Assert.Equal("421 4.7.0 mx.test Error: too many failed authentication attempts", await client.ReadReplyAsync());
            Assert.True(await client.ClosedByServerAsync());
        }
        Assert.True(bed.AuthFailures.IsPenalized(Untrusted));
        Assert.False(bed.AuthFailures.IsPenalized(System.Net.IPAddress.Loopback));

        await using var again = await bed.GreetedAsync(Untrusted);
        await again.SecureAsync();
        var asked = DateTime.UtcNow;
        // Even the right password is refused now, unchecked, and late.
        Assert.Equal("454 4.7.0 Too many failed authentication attempts from your address, try again later",
            await again.CommandAsync("AUTH PLAIN " + PlainResponse(User, Password)));
        Assert.True(DateTime.UtcNow - asked >= TimeSpan.FromMilliseconds(900), "a penalised address was answered at once");
        Assert.Equal(1, bed.AuthFailures.Refused);
    }

    [Fact]
    public async Task The_trace_and_envelope_name_the_authenticated_user_and_mail_auth_is_accepted()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.AuthenticatedAsync(Untrusted);

        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com> AUTH=<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@anywhere.example>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendAsync("Subject: auth\r\n\r\nx\r\n.\r\n");
        var enqueue = await bed.ExpectEnqueueAsync();

        Assert.Equal(User, enqueue.Envelope.Client.AuthenticatedUser);
        var trace = Text(enqueue);
        Assert.Contains("\r\n\t(authenticated as alice)\r\n\tby mx.test (ActorMta) with ESMTPSA id ", trace);
        Assert.Contains("\r\n\tfor <b@anywhere.example>;\r\n\t", trace);
    }

    [Fact]
    public async Task An_over_long_sasl_line_is_refused()
    {
        await using var bed = new IngressTestBed(this);
        await using var client = await bed.GreetedAsync();
        await client.SecureAsync();
        Assert.Equal("334 ", await client.CommandAsync("AUTH PLAIN"));

        // RFC 4954 allows 12288 octets for a SASL response line; beyond that the line is dropped.
        Assert.Equal("500 5.5.6 Line too long", await client.CommandAsync(new string('A', 13000)));
        Assert.Equal("250 2.0.0 Ok", await client.CommandAsync("NOOP"));
    }
}
