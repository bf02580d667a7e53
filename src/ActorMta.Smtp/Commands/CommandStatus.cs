namespace ActorMta.Smtp;

/// <summary>
/// The parser's verdict on a command line. Every status but <see cref="Ok"/> comes with the reply
/// to send in <see cref="SmtpCommand.ErrorReply"/>; the session may send another.
/// </summary>
public enum CommandStatus
{
    Ok,
    /// <summary>Not an SMTP verb (500 5.5.1).</summary>
    UnknownVerb,
    /// <summary>An SMTP verb this server does not implement: EXPN, ETRN, TURN, ... (502 5.5.1).</summary>
    NotImplemented,
    /// <summary>Control characters in the line (500 5.5.2).</summary>
    InvalidCharacter,
    /// <summary>Longer than the command line limit for this command (500 5.5.6).</summary>
    LineTooLong,
    /// <summary>The verb's arguments do not fit its syntax (501 5.5.4).</summary>
    SyntaxError,
    /// <summary>The path is not an RFC 5321 path (501 5.1.7 sender / 501 5.1.3 recipient).</summary>
    InvalidAddress,
    /// <summary>Local-part, domain or path over its length limit (501 5.1.7 / 5.1.3).</summary>
    AddressTooLong,
    /// <summary>A UTF-8 address without SMTPUTF8 on MAIL (553 5.6.7).</summary>
    NonAsciiAddress,
    /// <summary>An ESMTP parameter not recognized, or of an extension not offered (555 5.5.4).</summary>
    UnknownParameter,
    /// <summary>A recognized parameter value this server refuses, e.g. BODY=BINARYMIME (555 5.5.4).</summary>
    UnsupportedParameterValue,
    /// <summary>The same ESMTP parameter twice (501 5.5.4).</summary>
    DuplicateParameter,
    /// <summary>A recognized parameter with a malformed value (501 5.5.4).</summary>
    InvalidParameterValue,
}
