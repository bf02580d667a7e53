using ActorMta.Queue;
using ActorMta.Contracts;

namespace ActorMta.Bounces;

/// <summary>What a DSN returns of the original message (RFC 3461 RET).</summary>
public enum ReturnedContent
{
    /// <summary>The whole message (message/rfc822, or message/global for SMTPUTF8).</summary>
    FullMessage,
    /// <summary>Its header section (text/rfc822-headers, or message/global-headers).</summary>
    Headers,
    /// <summary>Nothing: the body is no longer stored or cannot be parsed; the text part says so.</summary>
    Nothing,
}

/// <summary>
/// A DSN ready to queue: its own envelope (null reverse-path, one recipient: the original
/// sender, NOTIFY=NEVER, so it can never cause another DSN) and the RFC 5322 bytes.
/// </summary>
public sealed record DsnMessage(SmtpEnvelope Envelope, byte[] Body, ReturnedContent Returned);
