using System.Buffers;
using System.Text;
using ActorMta.Smtp.Client;
using static ActorMta.Smtp.Fuzzing.PropertyViolation;

namespace ActorMta.Smtp.Fuzzing;

/// <summary>
/// Issue 10: whatever ingress accepts, delivery can attempt. Every MAIL or RCPT the server's parser
/// accepts becomes, as the session and the queue hand it on, an envelope the client's checks pass
/// (<see cref="ClientCommands.EnsureSafe"/>) and the client's command line formatting writes as one
/// line that our own parser reads back to the same values.
/// </summary>
internal static class EnvelopeProperty
{
    public const SmtpExtensions Everything = SmtpExtensions.Pipelining | SmtpExtensions.Size | SmtpExtensions.EightBitMime
        | SmtpExtensions.SmtpUtf8 | SmtpExtensions.EnhancedStatusCodes | SmtpExtensions.Chunking | SmtpExtensions.BinaryMime
        | SmtpExtensions.Dsn | SmtpExtensions.StartTls | SmtpExtensions.Auth;

    private static readonly SmtpCommandParser Parser = new(SmtpLimits.Default);

    /// <summary>Returns whether the line was accepted (so a run can count how many envelopes it checked).</summary>
    public static bool Check(byte[] line, bool utf8Transaction)
    {
        var command = Parser.Parse(line, Everything, utf8Transaction);
        if (!command.IsOk) return false;
        if (command.Verb == SmtpVerb.Mail) CheckSender(command);
        else if (command.Verb == SmtpVerb.Rcpt) CheckRecipient(command, utf8Transaction);
        else return false;
        return true;
    }

    private static void CheckSender(SmtpCommand command)
    {
        var path = command.ToReversePath();
        var parameters = command.MailParameters;
        // As the session and the queue pass it on: the mailbox in wire form, ENVID decoded.
        var message = new OutboundMessage(path.Mailbox?.ToString() ?? "", [new OutboundRecipient("r@b.example")], new byte[1],
            parameters.Body, parameters.SmtpUtf8, command.ToEnvelopeId(), parameters.Return);
        ClientCommands.EnsureSafe(message.ReversePath, "the reverse-path");
        var plan = new TransactionPlan(parameters.Size, parameters.Body, SmtpUtf8: message.SmtpUtf8 || !Ascii.IsValid(message.ReversePath),
            Dsn: true, Chunked: false, Pipelined: false);
        var written = Written(output => ClientCommands.Mail(output, message, plan));

        var again = ReadBack(written, utf8: false);
        Unless(again.Verb == SmtpVerb.Mail, $"MAIL written as {Show(written)} reads back as {again.Verb}");
        var pathAgain = again.ToReversePath();
        Unless(SameMailbox(path.Mailbox, pathAgain.Mailbox), $"reverse-path {path} written as {Show(written)} reads back as {pathAgain}");
        var parametersAgain = again.MailParameters;
        Unless(parametersAgain.Body == parameters.Body && parametersAgain.Return == parameters.Return
            && again.ToEnvelopeId() == message.EnvelopeId && parametersAgain.SmtpUtf8 == plan.SmtpUtf8,
            $"MAIL parameters {parameters} written as {Show(written)} read back as {parametersAgain}");
    }

    private static void CheckRecipient(SmtpCommand command, bool utf8Transaction)
    {
        var path = command.ToForwardPath();
        var original = command.ToOriginalRecipient();
        var recipient = new OutboundRecipient(path.Mailbox?.ToString() ?? "postmaster@mx.test", command.RecipientParameters.Notify,
            original is null ? null : $"{original.AddressType};{original.Address}");
        ClientCommands.EnsureSafe(recipient.Address, "a recipient address");
        if (recipient.OriginalRecipient is { } orcpt) ClientCommands.EnsureSafe(orcpt, "an ORCPT");
        var written = Written(output => ClientCommands.Recipient(output, recipient, dsn: true));

        // The client declares SMTPUTF8 when the message or an address needs it; an accepted UTF-8 ORCPT implies the transaction had it.
        var again = ReadBack(written, utf8: utf8Transaction || !Ascii.IsValid(recipient.Address));
        Unless(again.Verb == SmtpVerb.Rcpt, $"RCPT written as {Show(written)} reads back as {again.Verb}");
        var pathAgain = again.ToForwardPath();
        Unless(path.IsPostmaster || SameMailbox(path.Mailbox, pathAgain.Mailbox), $"forward-path {path} written as {Show(written)} reads back as {pathAgain}");
        Unless(again.RecipientParameters.Notify == command.RecipientParameters.Notify, $"NOTIFY written as {Show(written)} reads back differently");
        Unless(again.ToOriginalRecipient() == original, $"ORCPT {original} written as {Show(written)} reads back as {again.ToOriginalRecipient()}");
    }

    /// <summary>One line, CRLF only at its end, within the command line limit, and accepted by our parser.</summary>
    private static SmtpCommand ReadBack(byte[] written, bool utf8)
    {
        Unless(written.Length >= 2 && written[^2] == '\r' && written[^1] == '\n', $"written without CRLF: {Show(written)}");
        var line = written.AsSpan(0, written.Length - 2);
        Unless(line.IndexOfAnyInRange((byte)0, (byte)31) < 0 && line.IndexOf((byte)0x7F) < 0, $"control character written: {Show(written)}");
        Unless(written.Length <= SmtpLimits.Default.MaxCommandLineLength, $"written line of {written.Length} octets is over the limit: {Show(written)}");
        var command = Parser.Parse(line, Everything, utf8);
        Unless(command.IsOk, $"written line {Show(written)} is refused: {command.ErrorReply}");
        return command;
    }

    private static bool SameMailbox(Mailbox? a, Mailbox? b) =>
        a is null ? b is null : b is not null && a.LocalPart == b.LocalPart && a.Domain == b.Domain;

    private static byte[] Written(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return output.WrittenSpan.ToArray();
    }

    private static string Show(byte[] octets) => FuzzInputs.Show(octets);
}
