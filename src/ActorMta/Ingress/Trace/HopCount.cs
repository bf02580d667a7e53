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
/// whole): lines end at CRLF only, the header section at the first empty line. The same pass finds
/// the fields named <see cref="FindField"/> (the egress pool header): where each lies, with its
/// folded lines and CRLF, so it can be left out of what is stored, and its value.
/// </summary>
public sealed class HopCounter
{
    private static ReadOnlySpan<byte> Received => "received"u8;
    /// <summary>Enough of a line's start to tell a Received field (the name, blanks, the colon) and a short field's value.</summary>
    private const int PrefixLength = 128;

    private readonly byte[] _prefix = new byte[PrefixLength];
    private readonly List<(long Start, long End)> _found = [];
    private readonly List<string> _values = [];
    private byte[]? _field;
    private int _prefixUsed;
    private long _lineLength;
    private long _offset;
    private long _lineStart;
    private long _fieldStart = -1;
    private bool _pendingCr;
    private bool _headerEnded;
    private int _count;

    /// <summary>A header field name to find (case-insensitive), or null; set before the first <see cref="Feed"/>.</summary>
    public string? FindField
    {
        get => _field is null ? null : System.Text.Encoding.ASCII.GetString(_field);
        set => _field = value is null ? null : System.Text.Encoding.ASCII.GetBytes(value.ToLowerInvariant());
    }

    /// <summary>Received fields seen so far (a last line without CRLF included).</summary>
    public int Count => _count + (!_headerEnded && _lineLength > 0 && IsReceivedField(_prefix.AsSpan(0, _prefixUsed)) ? 1 : 0);

    /// <summary>Where each <see cref="FindField"/> field lies (octets from the first fed, end exclusive, CRLF and folded lines
    /// included), once the message has ended (<see cref="Finish"/>) or the line after it has begun.</summary>
    public IReadOnlyList<(long Start, long End)> Found => _found;

    /// <summary>Each found field's value, unfolded and trimmed (a value longer than a line's kept start does not match any name).</summary>
    public IReadOnlyList<string> Values => _values;

    public void Reset()
    {
        _prefixUsed = 0;
        _lineLength = 0;
        _pendingCr = false;
        _headerEnded = false;
        _count = 0;
        _offset = 0;
        _lineStart = 0;
        _fieldStart = -1;
        _found.Clear();
        _values.Clear();
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
                    _offset++;
                    EndLine();
                    octets = octets[1..];
                    continue;
                }
                Append((byte)'\r');
            }
            var cr = octets.IndexOf((byte)'\r');
            var content = cr < 0 ? octets : octets[..cr];
            AppendAll(content);
            _offset += content.Length;
            if (cr < 0) return;
            _pendingCr = true;
            _offset++;
            octets = octets[(cr + 1)..];
        }
    }

    /// <summary>The message has ended: a field still open (the header section's last, or a last line without CRLF) ends here.</summary>
    public void Finish()
    {
        if (_headerEnded) return;
        if (_lineLength > 0 || _pendingCr) Line(_offset);
        if (_fieldStart >= 0) CloseField(_offset);
        _headerEnded = true;
    }

    private void EndLine()
    {
        if (_lineLength == 0)
        {
            if (_fieldStart >= 0) CloseField(_lineStart);
            _headerEnded = true; // the empty line ends the header section
        }
        else Line(_offset);
        _prefixUsed = 0;
        _lineLength = 0;
        _lineStart = _offset;
    }

    private void Line(long end)
    {
        var line = _prefix.AsSpan(0, _prefixUsed);
        var folded = line.Length > 0 && line[0] is (byte)' ' or (byte)'\t';
        if (folded)
        {
            if (_fieldStart >= 0) _values[^1] = Value(_values[^1] + " " + Text(line));
            return;
        }
        if (_fieldStart >= 0) CloseField(_lineStart);
        if (IsReceivedField(line)) _count++;
        else if (_field is not null && ValueAt(line, _field) is var at and >= 0)
        {
            _fieldStart = _lineStart;
            _values.Add(Value(Text(line[at..])));
        }
    }

    private string Value(string text) => _lineLength > PrefixLength ? text + "\u2026" : text.Trim();

    private static string Text(ReadOnlySpan<byte> line) => System.Text.Encoding.ASCII.GetString(line);

    private void CloseField(long end)
    {
        _found.Add((_fieldStart, end));
        _fieldStart = -1;
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
    private static bool IsReceivedField(ReadOnlySpan<byte> line) => ValueAt(line, Received) >= 0;

    /// <summary>Where the value after "name:" begins in a line that starts with that field (any case, blanks allowed before the colon); -1 if it does not.</summary>
    private static int ValueAt(ReadOnlySpan<byte> line, ReadOnlySpan<byte> name)
    {
        if (line.Length <= name.Length || !System.Text.Ascii.EqualsIgnoreCase(line[..name.Length], name)) return -1;
        var rest = line[name.Length..].TrimStart(" \t"u8);
        return !rest.IsEmpty && rest[0] == ':' ? line.Length - rest.Length + 1 : -1;
    }
}
