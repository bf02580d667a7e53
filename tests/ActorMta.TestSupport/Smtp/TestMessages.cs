using MimeKit;

namespace ActorMta.TestSupport.Smtp;

/// <summary>Messages as a submitting application writes them with MimeKit, and their exact bytes.</summary>
public static class TestMessages
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
}
