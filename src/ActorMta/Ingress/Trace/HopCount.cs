namespace ActorMta.Ingress.Trace;

/// <summary>
/// Counts the Received headers in a message's header section: each relay adds one, so a message
/// with very many has been going round in a loop (RFC 5321 6.3; Postfix's hopcount_limit).
/// </summary>
public static class HopCount
{
    /// <summary>Received fields in the header section of <paramref name="message"/> (up to the first empty line).</summary>
    public static int Count(ReadOnlySpan<byte> message)
    {
        var counter = new HopCounter();
        counter.Feed(message);
        return counter.Count;
    }
}

/// <summary>
/// <see cref="HopCount"/> over a message that arrives in pieces (a large one never is in memory
/// whole): lines end at CRLF only, the header section at the first empty line.
/// </summary>
public sealed class HopCounter
{
    private static ReadOnlySpan<byte> Received => "received"u8;
    /// <summary>Enough of a line's start to tell a Received field: the name, blanks, the colon.</summary>
    private const int PrefixLength = 64;

    private readonly byte[] _prefix = new byte[PrefixLength];
    private int _prefixUsed;
    private long _lineLength;
    private bool _pendingCr;
    private bool _headerEnded;
    private int _count;

    /// <summary>Received fields seen so far (a last line without CRLF included).</summary>
    public int Count => _count + (!_headerEnded && _lineLength > 0 && IsReceivedField(_prefix.AsSpan(0, _prefixUsed)) ? 1 : 0);

    public void Reset()
    {
        _prefixUsed = 0;
        _lineLength = 0;
        _pendingCr = false;
        _headerEnded = false;
        _count = 0;
    }

    public void Feed(ReadOnlySpan<byte> octets)
    {
        while (!_headerEnded && !octets.IsEmpty)
        {
            if (_pendingCr)
            {
                _pendingCr = false;
                if (octets[0] == (byte)'\n')
                {
                    EndLine();
                    octets = octets[1..];
                    continue;
                }
                Append((byte)'\r');
            }
            var cr = octets.IndexOf((byte)'\r');
            var content = cr < 0 ? octets : octets[..cr];
            AppendAll(content);
            if (cr < 0) return;
            _pendingCr = true;
            octets = octets[(cr + 1)..];
        }
    }

    private void EndLine()
    {
        if (_lineLength == 0) _headerEnded = true; // the empty line ends the header section
        else if (IsReceivedField(_prefix.AsSpan(0, _prefixUsed))) _count++;
        _prefixUsed = 0;
        _lineLength = 0;
    }

    private void AppendAll(ReadOnlySpan<byte> content)
    {
        var take = Math.Min(content.Length, PrefixLength - _prefixUsed);
        content[..take].CopyTo(_prefix.AsSpan(_prefixUsed));
        _prefixUsed += take;
        _lineLength += content.Length;
    }

    private void Append(byte octet) => AppendAll([octet]);

    /// <summary>"Received:" at the start of a field, any case; RFC 5322's obsolete syntax allows blanks before the colon.</summary>
    private static bool IsReceivedField(ReadOnlySpan<byte> line)
    {
        if (line.Length <= Received.Length || !System.Text.Ascii.EqualsIgnoreCase(line[..Received.Length], Received)) return false;
        var rest = line[Received.Length..].TrimStart(" \t"u8);
        return !rest.IsEmpty && rest[0] == ':';
    }
}
