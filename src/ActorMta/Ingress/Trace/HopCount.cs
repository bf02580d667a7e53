namespace ActorMta.Ingress.Trace;

/// <summary>
/// Counts the Received headers in a message's header section: each relay adds one, so a message
/// with very many has been going round in a loop (RFC 5321 6.3; Postfix's hopcount_limit).
/// </summary>
public static class HopCount
{
    private static ReadOnlySpan<byte> Received => "received"u8;

    /// <summary>Received fields in the header section of <paramref name="message"/> (up to the first empty line).</summary>
    public static int Count(ReadOnlySpan<byte> message)
    {
        var count = 0;
        while (!message.IsEmpty)
        {
            var end = message.IndexOf("\r\n"u8);
            var line = end < 0 ? message : message[..end];
            if (line.IsEmpty) break; // the end of the header section
            if (IsReceivedField(line)) count++;
            message = end < 0 ? default : message[(end + 2)..];
        }
        return count;
    }

    /// <summary>"Received:" at the start of a field, any case; RFC 5322's obsolete syntax allows blanks before the colon.</summary>
    private static bool IsReceivedField(ReadOnlySpan<byte> line)
    {
        if (line.Length <= Received.Length || !System.Text.Ascii.EqualsIgnoreCase(line[..Received.Length], Received)) return false;
        var rest = line[Received.Length..].TrimStart(" \t"u8);
        return !rest.IsEmpty && rest[0] == ':';
    }
}
