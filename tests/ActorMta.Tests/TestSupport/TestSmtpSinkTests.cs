using System.Net;
using System.Security.Authentication;
using System.Text;
using ActorMta.TestSupport.Smtp;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ActorMta.Tests.TestSupport;

/// <summary>Self-test of the SMTP sink that end-to-end delivery tests rely on, driven by MailKit and by raw lines.</summary>
public sealed class TestSmtpSinkTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly SinkCredentials Credentials = new("relay-user", "s3cret pass");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task MailKit_delivers_over_starttls_with_auth_and_the_sink_records_the_bytes_exactly(bool chunking)
    {
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Credentials = Credentials, Chunking = chunking, BinaryMime = chunking });
        var message = TestMessages.Message("Loopback test", "Hello sink.\r\n.A line that starts with a dot\r\n..and two\r\n.\r\nlast line\r\n");
        using var client = ClientFor(sink, preferBdat: chunking);

        await client.ConnectAsync(sink.EndPoint.Address.ToString(), sink.Port, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(Credentials.UserName, Credentials.Password);
        await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);

        var received = Assert.Single(await sink.WaitForMessagesAsync(1, Deadline));
        Assert.Equal(TestMessages.Wire(message), received.Body);
        Assert.Equal(chunking, received.Chunked);
        Assert.True(received.Tls);
        Assert.NotEqual(SslProtocols.None, received.TlsProtocol);
        Assert.Equal(Credentials.UserName, received.AuthenticatedUser);
        Assert.Equal("sender@origin.test", received.ReversePath);
        Assert.Equal(["rcpt@example.test"], received.Recipients.Select(r => r.Address));
        Assert.Equal(IPAddress.Loopback, received.RemoteEndPoint.Address);
        Assert.Equal(250, received.ReplyCode);
    }

    [Fact]
    public async Task A_scripted_451_answers_the_first_two_transactions_then_mail_is_accepted()
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnMessage().Times(2).Reply(451, "4.3.0 Try again later");
        using var client = ClientFor(sink);
        await client.ConnectAsync(sink.EndPoint.Address.ToString(), sink.Port, SecureSocketOptions.None);

        var codes = new List<int>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await client.SendAsync(TestMessages.Message($"attempt {attempt}", "body\r\n"));
                codes.Add(250);
            }
            catch (SmtpCommandException e)
            {
                codes.Add((int)e.StatusCode);
            }
        }

        Assert.Equal([451, 451, 250], codes);
        Assert.Equal([451, 451, 250], (await sink.WaitForTransactionsAsync(3, Deadline)).Select(t => t.ReplyCode));
        Assert.Equal("attempt 2", MimeMessage.Load(new MemoryStream(Assert.Single(sink.Messages).Body)).Subject);
    }

    [Fact]
    public async Task A_recipient_rule_refuses_only_that_recipient()
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnRecipient("unknown@example.test").Reply(550, "5.1.1 No such user");
        await using var client = await RawSmtpClient.OpenAsync(sink.EndPoint, "EHLO client.test", "MAIL FROM:<sender@origin.test> BODY=8BITMIME");

        Assert.Equal("550 5.1.1 No such user", await client.CommandAsync("RCPT TO:<Unknown@example.test>"));
        Assert.StartsWith("250 ", await client.CommandAsync("RCPT TO:<known@example.test> NOTIFY=FAILURE"));
        Assert.StartsWith("354 ", await client.CommandAsync("DATA"));
        Assert.StartsWith("250 ", await client.CommandAsync("Subject: x\r\n\r\nbody\r\n."));

        var received = Assert.Single(sink.Messages);
        var recipient = Assert.Single(received.Recipients);
        Assert.Equal("known@example.test", recipient.Address);
        Assert.Equal(["NOTIFY=FAILURE"], recipient.Parameters);
        Assert.Equal(["BODY=8BITMIME"], received.MailParameters);
    }

    [Fact]
    public async Task A_421_greeting_closes_the_connection()
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnConnect().ReplyAndClose(421, "4.3.2 Service shutting down");
        await using var client = await RawSmtpClient.ConnectAsync(sink.EndPoint);

        Assert.Equal("421 4.3.2 Service shutting down", await client.ReadReplyAsync());
        Assert.Null(await client.ReadReplyAsync());
    }

    [Fact]
    public async Task A_421_after_mail_from_a_given_sender_closes_the_connection()
    {
        await using var sink = TestSmtpSink.Start();
        sink.Replies.OnMailFrom("bulk@origin.test").ReplyAndClose(421, "4.7.0 Too many messages, slow down");
        await using var client = await RawSmtpClient.OpenAsync(sink.EndPoint, "EHLO client.test");

        Assert.Equal("421 4.7.0 Too many messages, slow down", await client.CommandAsync("MAIL FROM:<bulk@origin.test>"));
        Assert.Null(await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Data_is_dot_unstuffed_and_otherwise_kept_byte_for_byte()
    {
        await using var sink = TestSmtpSink.Start();
        await using var client = await RawSmtpClient.OpenAsync(sink.EndPoint, "HELO client.test", "MAIL FROM:<>", "RCPT TO:<postmaster@example.test>", "DATA");

        // A bare LF is content: LF.LF and LF.CRLF neither end the message nor get unstuffed; only CRLF.CRLF ends it.
        Assert.StartsWith("250 ", await client.CommandAsync("a\r\n..b\r\nc\n.\nd\n.\r\ne\r\n...\r\n."));

        var received = Assert.Single(sink.Messages);
        Assert.Equal("a\r\n.b\r\nc\n.\nd\n.\r\ne\r\n..\r\n", received.BodyText);
        Assert.Equal("", received.ReversePath);
        Assert.False(received.Chunked);
    }

    [Fact]
    public async Task Bdat_chunks_are_joined_exactly_including_binary_bytes()
    {
        await using var sink = TestSmtpSink.Start();
        await using var client = await RawSmtpClient.OpenAsync(
            sink.EndPoint, "EHLO client.test", "MAIL FROM:<sender@origin.test> BODY=BINARYMIME", "RCPT TO:<rcpt@example.test>");
        byte[] first = [.. "Subject: b\r\n\r\n"u8, 0x00, 0xff, (byte)'\r', (byte)'\n', (byte)'.', (byte)'\r', (byte)'\n'];
        byte[] second = [.. "end"u8];

        await client.SendBytesAsync([.. Encoding.ASCII.GetBytes($"BDAT {first.Length}\r\n"), .. first]);
        Assert.StartsWith("250 ", await client.ReadReplyAsync());
        await client.SendBytesAsync([.. Encoding.ASCII.GetBytes($"BDAT {second.Length} LAST\r\n"), .. second]);
        Assert.StartsWith("250 ", await client.ReadReplyAsync());

        var received = Assert.Single(sink.Messages);
        Assert.Equal([.. first, .. second], received.Body);
        Assert.True(received.Chunked);
    }

    [Fact]
    public async Task Wrong_credentials_are_refused_with_535()
    {
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Credentials = Credentials });
        using var client = ClientFor(sink);
        await client.ConnectAsync(sink.EndPoint.Address.ToString(), sink.Port, SecureSocketOptions.StartTls);

        var error = await Assert.ThrowsAsync<MailKit.Security.AuthenticationException>(() => client.AuthenticateAsync(Credentials.UserName, "wrong"));

        Assert.Contains("5.7.8", error.Message);
    }

    [Fact]
    public async Task Connections_are_counted_current_peak_and_total()
    {
        await using var sink = TestSmtpSink.Start();
        var clients = Enumerable.Range(0, 3).Select(_ => ClientFor(sink)).ToList();

        await Task.WhenAll(clients.Select(c => c.ConnectAsync(sink.EndPoint.Address.ToString(), sink.Port, SecureSocketOptions.None)));
        await sink.WaitForConcurrentConnectionsAsync(3, Deadline);
        await Task.WhenAll(clients.Select(c => c.DisconnectAsync(quit: true)));
        clients.ForEach(c => c.Dispose());
        await sink.WaitForIdleAsync(Deadline);

        Assert.Equal(3, sink.MaxConcurrentConnections);
        Assert.Equal(3, sink.TotalConnections);
        Assert.Equal(0, sink.CurrentConnections);
        Assert.Equal(3, sink.Commands.Count(c => c.Line == "QUIT"));
    }

    [Fact]
    public async Task The_clients_source_address_is_recorded()
    {
        await using var sink = TestSmtpSink.Start();
        using var client = ClientFor(sink);
        client.LocalEndPoint = new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0);
        await client.ConnectAsync(sink.EndPoint.Address.ToString(), sink.Port, SecureSocketOptions.None);
        await client.SendAsync(TestMessages.Message("egress", "body\r\n"));

        Assert.Equal(IPAddress.Parse("127.0.0.2"), Assert.Single(sink.Messages).RemoteEndPoint.Address);
    }

    [Fact]
    public async Task Waiting_for_mail_that_never_comes_ends_at_the_deadline_with_a_clear_message()
    {
        await using var sink = TestSmtpSink.Start();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => sink.WaitForMessagesAsync(1, TimeSpan.FromMilliseconds(200)));

        Assert.Contains("1 accepted messages", error.Message);
    }

    private static SmtpClient ClientFor(TestSmtpSink sink, bool preferBdat = false)
    {
        var client = preferBdat ? new BdatSmtpClient() : new SmtpClient();

        // Trust exactly the sink's self-signed certificate.
        client.ServerCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == sink.Certificate.GetCertHashString();
        client.Timeout = (int)Deadline.TotalMilliseconds;
        return client;
    }

    /// <summary>MailKit sends with BDAT only when it prefers binary data and the server offers BINARYMIME.</summary>
    private sealed class BdatSmtpClient : SmtpClient
    {
        protected override bool PreferSendAsBinaryData => true;
    }
}
