namespace ActorMta.Smtp;

/// <summary>
/// Counts a message's octets against <see cref="SmtpLimits.MaxMessageSize"/> for the DATA and BDAT
/// readers: everything is counted, only what fits under the limit is stored.
/// </summary>
internal struct MessageSizeLimit(long maxMessageSize)
{
    /// <summary>Octets of the message, counted to its end even past the limit.</summary>
    public long MessageSize { get; private set; }

    /// <summary>Octets handed on to be stored.</summary>
    public long StoredSize { get; private set; }

    public bool IsExceeded => MessageSize > maxMessageSize;

    /// <summary>Counts <paramref name="octets"/>; returns the part to store (all of it until the limit).</summary>
    public ReadOnlySpan<byte> Admit(ReadOnlySpan<byte> octets)
    {
        MessageSize += octets.Length;
        if (IsExceeded) octets = octets[..(int)Math.Max(0, maxMessageSize - StoredSize)];
        StoredSize += octets.Length;
        return octets;
    }
}
