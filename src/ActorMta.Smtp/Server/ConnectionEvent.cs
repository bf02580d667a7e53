using ActorMta.Smtp;

namespace ActorMta.Smtp.Server;

/// <summary>How one I/O operation of an <see cref="SmtpConnection"/> ended; the session actor gets it as a message.</summary>
public abstract record ConnectionEvent;

/// <summary>A command line (or an AUTH response line), copied off the wire without its CRLF.</summary>
/// <param name="Status"><see cref="LineStatus.Line"/>, or <see cref="LineStatus.TooLong"/> / <see cref="LineStatus.BareLineEnding"/> to refuse.</param>
/// <param name="MoreFollows">The client had already sent more input after this line: it pipelined.</param>
public sealed record LineRead(byte[] Line, LineStatus Status, bool MoreFollows) : ConnectionEvent;

/// <summary>The DATA body or the BDAT chunk was read to its end; the readers hold what it was.</summary>
public sealed record InputComplete : ConnectionEvent
{
    public static readonly InputComplete Instance = new();
}

/// <summary>The client stayed silent through the pre-greeting wait.</summary>
public sealed record StayedSilent : ConnectionEvent
{
    public static readonly StayedSilent Instance = new();
}

/// <summary>The client sent octets before it was greeted (a spambot that does not wait).</summary>
public sealed record SpokeFirst : ConnectionEvent
{
    public static readonly SpokeFirst Instance = new();
}

/// <summary>TLS is up. <paramref name="DiscardedOctets"/>: plaintext the client had sent after STARTTLS, dropped unread.</summary>
public sealed record TlsEstablished(string Protocol, string Cipher, long DiscardedOctets) : ConnectionEvent;

/// <summary>Pending replies went out.</summary>
public sealed record Flushed : ConnectionEvent
{
    public static readonly Flushed Instance = new();
}

/// <summary>The connection is closed and its resources are released.</summary>
public sealed record Closed : ConnectionEvent
{
    public static readonly Closed Instance = new();
}

/// <summary>The client closed its side.</summary>
public sealed record ClientClosed : ConnectionEvent
{
    public static readonly ClientClosed Instance = new();
}

/// <summary>The operation's deadline passed (the client did not send, or did not take our reply).</summary>
public sealed record TimedOut : ConnectionEvent
{
    public static readonly TimedOut Instance = new();
}

/// <summary>The session asked the connection to stop waiting (node shutdown).</summary>
public sealed record Interrupted : ConnectionEvent
{
    public static readonly Interrupted Instance = new();
}

/// <summary>A network or TLS error; the connection is unusable.</summary>
public sealed record IoFailed(string Reason) : ConnectionEvent;
