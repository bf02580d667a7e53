using System.Text;

namespace ActorMta.Smtp;

/// <summary>
/// One parsed command line: the verb, the parser's verdict and offsets into the line. Nothing is
/// copied; the To... methods are the only places that allocate, and only when the session asks.
/// Valid while the line is (until the pipe is advanced).
/// </summary>
public readonly ref struct SmtpCommand
{
    /// <summary>The command line without CRLF and trailing spaces.</summary>
    public ReadOnlySpan<byte> Line { get; init; }

    public SmtpVerb Verb { get; init; }

    public CommandStatus Status { get; init; }

    /// <summary>The reply for a status other than <see cref="CommandStatus.Ok"/>; null when Ok.</summary>
    public SmtpReply? ErrorReply { get; init; }

    /// <summary>For a refused parameter: which one.</summary>
    public EsmtpParameter? FailedParameter { get; init; }

    /// <summary>BDAT chunk size in octets.</summary>
    public long ChunkSize { get; init; }

    /// <summary>BDAT ... LAST.</summary>
    public bool IsLastChunk { get; init; }

    internal LineSlice ArgumentSlice { get; init; }
    internal LineSlice InitialResponseSlice { get; init; }
    internal PathSlices Path { get; init; }
    internal ParsedParameters Parameters { get; init; }

    public bool IsOk => Status == CommandStatus.Ok;

    /// <summary>
    /// HELO/EHLO: the client's domain or address literal. VRFY, HELP, NOOP: the string given.
    /// AUTH: the SASL mechanism name. MAIL, RCPT, BDAT: everything after the verb, for logs.
    /// </summary>
    public ReadOnlySpan<byte> Argument => ArgumentSlice.Of(Line);

    /// <summary>AUTH: the initial response, base64 or "=" for empty; empty when none was given.</summary>
    public ReadOnlySpan<byte> InitialResponse => InitialResponseSlice.Of(Line);

    public bool HasInitialResponse => !InitialResponseSlice.IsEmpty;

    /// <summary>MAIL FROM:&lt;&gt;.</summary>
    public bool IsNullReversePath => Verb == SmtpVerb.Mail && IsOk && Path.Kind == PathKind.Null;

    /// <summary>RCPT TO:&lt;postmaster&gt; without a domain.</summary>
    public bool IsPostmaster => Verb == SmtpVerb.Rcpt && IsOk && Path.Kind == PathKind.Postmaster;

    /// <summary>The mailbox's local part as sent, quotes and escapes included (empty for &lt;&gt; and &lt;postmaster&gt;).</summary>
    public ReadOnlySpan<byte> LocalPart => Path.LocalPart.Of(Line);

    /// <summary>The mailbox's domain or address literal as sent.</summary>
    public ReadOnlySpan<byte> Domain => Path.Domain.Of(Line);

    public bool IsQuotedLocalPart => Path.QuotedLocalPart;

    public MailParameters MailParameters =>
        new(Parameters.Size, Parameters.Body, Parameters.SmtpUtf8, Parameters.Return, !Parameters.EnvelopeId.IsEmpty, Parameters.Auth);

    public RecipientParameters RecipientParameters =>
        new(Parameters.Notify, !Parameters.OriginalRecipient.IsEmpty);

    /// <summary>The argument as a string (e.g. the EHLO name for the Received header).</summary>
    public string ArgumentText() => Encoding.UTF8.GetString(Argument);

    /// <summary>MAIL's reverse-path as a value.</summary>
    public ReversePath ToReversePath()
    {
        Expect(SmtpVerb.Mail);
        return Path.Kind == PathKind.Null ? ReversePath.Null : new ReversePath(Path.ToMailbox(Line));
    }

    /// <summary>RCPT's forward-path as a value.</summary>
    public ForwardPath ToForwardPath()
    {
        Expect(SmtpVerb.Rcpt);
        return Path.Kind == PathKind.Postmaster ? ForwardPath.Postmaster : new ForwardPath(Path.ToMailbox(Line));
    }

    /// <summary>MAIL ENVID=, xtext-decoded; null if not given.</summary>
    public string? ToEnvelopeId()
    {
        Expect(SmtpVerb.Mail);
        return Parameters.EnvelopeId.IsEmpty ? null : Xtext.Decode(Parameters.EnvelopeId.Of(Line));
    }

    /// <summary>RCPT ORCPT=, xtext-decoded; null if not given.</summary>
    public OriginalRecipient? ToOriginalRecipient()
    {
        Expect(SmtpVerb.Rcpt);
        if (Parameters.OriginalRecipient.IsEmpty) return null;
        return new OriginalRecipient(
            Encoding.ASCII.GetString(Parameters.OriginalRecipientType.Of(Line)),
            Xtext.Decode(Parameters.OriginalRecipient.Of(Line), allowUtf8: true));
    }

    private void Expect(SmtpVerb verb)
    {
        if (Verb != verb || !IsOk) throw new InvalidOperationException($"not a valid {verb.ToString().ToUpperInvariant()} command");
    }
}
