using System.Text;

namespace ActorMta.Smtp.Tests.Support;

/// <summary>A parsed command copied out of its ref struct, so tests can compare it whole.</summary>
internal sealed record Parsed(SmtpVerb Verb, CommandStatus Status, string? Reply, string Argument);

internal static class CommandLines
{
    public const SmtpExtensions Everything = SmtpExtensions.Pipelining | SmtpExtensions.Size | SmtpExtensions.EightBitMime
        | SmtpExtensions.SmtpUtf8 | SmtpExtensions.EnhancedStatusCodes | SmtpExtensions.Chunking | SmtpExtensions.BinaryMime
        | SmtpExtensions.Dsn | SmtpExtensions.StartTls | SmtpExtensions.Auth;

    public const SmtpExtensions AllButBinaryMime = Everything & ~SmtpExtensions.BinaryMime;

    public static readonly SmtpCommandParser Parser = new(SmtpLimits.Default);

    public static Parsed Parse(string line, SmtpExtensions offered = AllButBinaryMime, bool utf8 = false, SmtpCommandParser? parser = null)
    {
        var command = (parser ?? Parser).Parse(Encoding.UTF8.GetBytes(line), offered, utf8);
        return new Parsed(command.Verb, command.Status, command.ErrorReply?.ToString(), command.ArgumentText());
    }

    /// <summary>The status and reply of a failed command.</summary>
    public static (CommandStatus, string?) Failure(string line, SmtpExtensions offered = AllButBinaryMime, bool utf8 = false)
    {
        var parsed = Parse(line, offered, utf8);
        Assert.NotEqual(CommandStatus.Ok, parsed.Status);
        return (parsed.Status, parsed.Reply);
    }

    public static (ReversePath Path, MailParameters Parameters, string? EnvelopeId) Sender(string line, SmtpExtensions offered = AllButBinaryMime)
    {
        var command = Parser.Parse(Encoding.UTF8.GetBytes(line), offered);
        Assert.True(command.IsOk, $"{line}: {command.Status} {command.ErrorReply}");
        Assert.Equal(SmtpVerb.Mail, command.Verb);
        return (command.ToReversePath(), command.MailParameters, command.ToEnvelopeId());
    }

    public static (ForwardPath Path, RecipientParameters Parameters, OriginalRecipient? Original) Recipient(string line, bool utf8 = false)
    {
        var command = Parser.Parse(Encoding.UTF8.GetBytes(line), AllButBinaryMime, utf8);
        Assert.True(command.IsOk, $"{line}: {command.Status} {command.ErrorReply}");
        Assert.Equal(SmtpVerb.Rcpt, command.Verb);
        return (command.ToForwardPath(), command.RecipientParameters, command.ToOriginalRecipient());
    }
}
