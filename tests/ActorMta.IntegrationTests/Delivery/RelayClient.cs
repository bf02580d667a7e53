using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ActorMta.IntegrationTests.Delivery;

/// <summary>MailKit as the submitting application: messages into a node's relay listener, and their exact bytes.</summary>
internal static class RelayClient
{
    public static MimeMessage Message(string subject, string text, string from = "sender@origin.test", string to = "rcpt@example.test")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = $"{Guid.NewGuid():N}@origin.test";
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    /// <summary>The message as MailKit puts it on the wire (CRLF lines, before dot-stuffing).</summary>
    public static byte[] Wire(MimeMessage message)
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        options.EnsureNewLine = true;
        options.International = true;
        using var bytes = new MemoryStream();
        message.WriteTo(options, bytes);
        return bytes.ToArray();
    }

    /// <summary>Sends each message in one session, with the envelope given (null reverse-path as "").</summary>
    public static async Task SendAsync(int port, IEnumerable<MimeMessage> messages, string reversePath, params string[] recipients)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        foreach (var message in messages)
        {
            var sender = reversePath.Length == 0 ? new MailboxAddress("", "") : MailboxAddress.Parse(reversePath);
            await client.SendAsync(message, sender, recipients.Select(MailboxAddress.Parse));
        }
        await client.DisconnectAsync(quit: true);
    }

    /// <summary>Sends <paramref name="messages"/> over <paramref name="sessions"/> parallel sessions.</summary>
    public static Task SendInParallelAsync(int port, IReadOnlyList<MimeMessage> messages, int sessions, string reversePath, params string[] recipients) =>
        Task.WhenAll(Enumerable.Range(0, sessions).Select(s =>
            SendAsync(port, messages.Where((_, i) => i % sessions == s), reversePath, recipients)));
}
