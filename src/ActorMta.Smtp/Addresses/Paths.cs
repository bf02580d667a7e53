namespace ActorMta.Smtp;

/// <summary>MAIL FROM's path: a mailbox, or the null path "&lt;&gt;" used for DSNs (RFC 5321 4.5.5).</summary>
public sealed record ReversePath(Mailbox? Mailbox)
{
    /// <summary>"&lt;&gt;": no bounce may be sent for this message.</summary>
    public static ReversePath Null { get; } = new((Mailbox?)null);

    public bool IsNull => Mailbox is null;

    public override string ToString() => Mailbox is null ? "<>" : $"<{Mailbox}>";
}

/// <summary>RCPT TO's path: a mailbox, or "&lt;postmaster&gt;" with no domain, this server's postmaster (RFC 5321 4.1.1.3).</summary>
public sealed record ForwardPath(Mailbox? Mailbox)
{
    /// <summary>"&lt;postmaster&gt;".</summary>
    public static ForwardPath Postmaster { get; } = new((Mailbox?)null);

    /// <summary>Whether this is "&lt;postmaster&gt;" without a domain; every server must accept it.</summary>
    public bool IsPostmaster => Mailbox is null;

    public override string ToString() => Mailbox is null ? "<postmaster>" : $"<{Mailbox}>";
}
