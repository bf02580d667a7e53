namespace ActorMta.Smtp;

/// <summary>
/// Replies used on every session, built once. Texts follow Postfix's wording where it is clear;
/// codes follow RFC 5321 section 4.2 and the RFC 3463 / RFC 5248 enhanced status registry.
/// </summary>
public static class SmtpReplies
{
    // Positive.
    public static readonly SmtpReply Ok = Reply(250, "2.0.0 Ok");
    public static readonly SmtpReply SenderOk = Reply(250, "2.1.0 Sender ok");
    public static readonly SmtpReply RecipientOk = Reply(250, "2.1.5 Recipient ok");
    public static readonly SmtpReply StartMailInput = Reply(354, "End data with <CR><LF>.<CR><LF>");
    public static readonly SmtpReply ReadyToStartTls = Reply(220, "2.0.0 Ready to start TLS");
    public static readonly SmtpReply Closing = Reply(221, "2.0.0 Bye");
    public static readonly SmtpReply CannotVerify = Reply(252, "2.0.0 Cannot VRFY user, but will accept message and attempt delivery");
    public static readonly SmtpReply Help = Reply(214, "2.0.0 Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH");

    // The command line itself (the line reader and the verb).
    public static readonly SmtpReply CommandUnrecognized = Reply(500, "5.5.1 Command unrecognized");
    public static readonly SmtpReply CommandNotImplemented = Reply(502, "5.5.1 Command not implemented");
    public static readonly SmtpReply CommandLineTooLong = Reply(500, "5.5.6 Line too long");
    public static readonly SmtpReply BareLineEndingInCommand = Reply(500, "5.5.2 Bare CR or LF in command line; commands end with CRLF");
    public static readonly SmtpReply InvalidCharacterInCommand = Reply(500, "5.5.2 Invalid character in command line");

    // Arguments of each verb.
    public static readonly SmtpReply HeloSyntax = Reply(501, "5.5.4 Syntax: HELO hostname");
    public static readonly SmtpReply EhloSyntax = Reply(501, "5.5.4 Syntax: EHLO hostname");
    public static readonly SmtpReply MailSyntax = Reply(501, "5.5.4 Syntax: MAIL FROM:<address> [parameters]");
    public static readonly SmtpReply RcptSyntax = Reply(501, "5.5.4 Syntax: RCPT TO:<address> [parameters]");
    public static readonly SmtpReply DataSyntax = Reply(501, "5.5.4 Syntax: DATA");
    public static readonly SmtpReply BdatSyntax = Reply(501, "5.5.4 Syntax: BDAT size [LAST]");
    public static readonly SmtpReply RsetSyntax = Reply(501, "5.5.4 Syntax: RSET");
    public static readonly SmtpReply QuitSyntax = Reply(501, "5.5.4 Syntax: QUIT");
    public static readonly SmtpReply VrfySyntax = Reply(501, "5.5.4 Syntax: VRFY address");
    public static readonly SmtpReply StartTlsSyntax = Reply(501, "5.5.4 Syntax: STARTTLS");
    public static readonly SmtpReply AuthSyntax = Reply(501, "5.5.4 Syntax: AUTH mechanism [initial-response]");

    // Addresses (RFC 3463 X.1.7 sender, X.1.3 recipient; RFC 6531 X.6.7 for UTF-8 without SMTPUTF8).
    public static readonly SmtpReply BadSenderAddress = Reply(501, "5.1.7 Bad sender address syntax");
    public static readonly SmtpReply BadRecipientAddress = Reply(501, "5.1.3 Bad recipient address syntax");
    public static readonly SmtpReply SenderAddressTooLong = Reply(501, "5.1.7 Sender address too long");
    public static readonly SmtpReply RecipientAddressTooLong = Reply(501, "5.1.3 Recipient address too long");
    public static readonly SmtpReply NonAsciiSender = Reply(553, "5.6.7 Non-ASCII sender address requires SMTPUTF8");
    public static readonly SmtpReply NonAsciiRecipient = Reply(553, "5.6.7 Non-ASCII recipient address requires SMTPUTF8");

    // ESMTP parameters (RFC 5321 4.2.3: 555 for parameters not recognized or not implemented).
    public static readonly SmtpReply UnknownMailParameter = Reply(555, "5.5.4 Unsupported MAIL FROM parameter");
    public static readonly SmtpReply UnknownRcptParameter = Reply(555, "5.5.4 Unsupported RCPT TO parameter");
    public static readonly SmtpReply BinaryMimeNotSupported = Reply(555, "5.5.4 BODY=BINARYMIME is not supported");
    public static readonly SmtpReply EightBitMimeNotSupported = Reply(555, "5.5.4 BODY=7BIT/8BITMIME is not supported");

    private static readonly SmtpReply[][] InvalidParameterValues = PerParameter(p => Enum.GetValues<ParameterValueProblem>()
        .Select(problem => Reply(501, $"5.5.4 Invalid {EsmtpParameterParser.Name(p)} value{Reason(p, problem)}")).ToArray());
    private static readonly SmtpReply[] DuplicateParameters = PerParameter(p => Reply(501, $"5.5.4 Duplicate {EsmtpParameterParser.Name(p)} parameter"));

    /// <summary>501 5.5.4 for a malformed value of <paramref name="parameter"/>.</summary>
    public static SmtpReply InvalidParameterValue(EsmtpParameter parameter) => InvalidParameterValues[(int)parameter][0];

    /// <summary>501 5.5.4 for a value of <paramref name="parameter"/> refused for <paramref name="problem"/>, saying why.</summary>
    public static SmtpReply InvalidParameterValue(EsmtpParameter parameter, ParameterValueProblem problem) =>
        InvalidParameterValues[(int)parameter][(int)problem];

    /// <summary>501 5.5.4 for <paramref name="parameter"/> given twice.</summary>
    public static SmtpReply DuplicateParameter(EsmtpParameter parameter) => DuplicateParameters[(int)parameter];

    // Message content (what the DATA and BDAT readers report).
    public static readonly SmtpReply MessageTooBig = Reply(552, "5.3.4 Message size exceeds fixed maximum message size");
    public static readonly SmtpReply BareLineEndingInData = Reply(550, "5.5.2 Message contains bare CR or LF; lines must end with CRLF");
    public static readonly SmtpReply NulInData = Reply(550, "5.6.0 Message contains NUL octets");
    public static readonly SmtpReply TextLineTooLong = Reply(550, "5.6.0 Message contains a line that is too long");

    // Sequence (the state table's refusals).
    public static readonly SmtpReply SendHeloFirst = Reply(503, "5.5.1 Error: send HELO/EHLO first");
    public static readonly SmtpReply SendEhloFirst = Reply(503, "5.5.1 Error: send EHLO first");
    public static readonly SmtpReply NeedMail = Reply(503, "5.5.1 Error: need MAIL command");
    public static readonly SmtpReply NeedRecipient = Reply(503, "5.5.1 Error: need RCPT command");
    public static readonly SmtpReply NestedMail = Reply(503, "5.5.1 Error: nested MAIL command");
    public static readonly SmtpReply TransactionInProgress = Reply(503, "5.5.1 Error: MAIL transaction in progress");
    public static readonly SmtpReply DataAfterBdat = Reply(503, "5.5.1 Error: DATA not allowed after BDAT in the same transaction");
    public static readonly SmtpReply RecipientAfterBdat = Reply(503, "5.5.1 Error: RCPT not allowed after BDAT in the same transaction");

    private static SmtpReply Reply(int code, string text) => new(code, text);

    private static T[] PerParameter<T>(Func<EsmtpParameter, T> reply) => Enum.GetValues<EsmtpParameter>().Select(reply).ToArray();

    private static string Reason(EsmtpParameter parameter, ParameterValueProblem problem) => problem switch
    {
        ParameterValueProblem.ControlCharacter => ": xtext decodes to a control character",
        ParameterValueProblem.NotAscii when parameter == EsmtpParameter.OriginalRecipient => ": only printable US-ASCII is allowed without SMTPUTF8",
        ParameterValueProblem.NotAscii => ": only printable US-ASCII is allowed",
        ParameterValueProblem.MalformedUtf8 => ": xtext decodes to malformed UTF-8",
        ParameterValueProblem.TooLong when parameter == EsmtpParameter.OriginalRecipient => ": longer than 500 characters as xtext",
        ParameterValueProblem.TooLong => ": too long",
        ParameterValueProblem.NotAnAddress => ": not an address (local-part@domain)",
        _ => "",
    };
}
