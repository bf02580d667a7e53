using System.Globalization;

namespace ActorMta.Smtp.Client;

/// <summary>The EHLO keywords the client acts on.</summary>
/// <param name="MaxSize">
/// SIZE (RFC 1870): null when not offered; 0 when offered without a fixed maximum ("SIZE" or "SIZE 0");
/// otherwise the largest message the server takes, in octets.
/// </param>
/// <param name="AuthMechanisms">SASL mechanisms, upper case, from "AUTH ..." and the pre-RFC 4954 "AUTH=..." form.</param>
public sealed record ServerExtensions(
    bool Pipelining,
    long? MaxSize,
    bool EightBitMime,
    bool SmtpUtf8,
    bool Chunking,
    bool BinaryMime,
    bool StartTls,
    bool Dsn,
    bool EnhancedStatusCodes,
    IReadOnlyList<string> AuthMechanisms)
{
    public static readonly ServerExtensions None = new(false, null, false, false, false, false, false, false, false, []);

    /// <summary>Reads the keywords of a 2yz EHLO reply; the first line is the server's name, not a keyword.</summary>
    public static ServerExtensions Parse(SmtpReply ehlo)
    {
        var extensions = None;
        var mechanisms = new List<string>();
        for (var i = 1; i < ehlo.Lines.Count; i++)
        {
            var line = ehlo.Lines[i].Trim();
            var space = line.IndexOfAny([' ', '=']);
            var keyword = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var parameters = space < 0 ? [] : line[(space + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            extensions = keyword switch
            {
                "PIPELINING" => extensions with { Pipelining = true },
                "SIZE" => extensions with { MaxSize = ParseSize(parameters) },
                "8BITMIME" => extensions with { EightBitMime = true },
                "SMTPUTF8" => extensions with { SmtpUtf8 = true },
                "CHUNKING" => extensions with { Chunking = true },
                "BINARYMIME" => extensions with { BinaryMime = true },
                "STARTTLS" => extensions with { StartTls = true },
                "DSN" => extensions with { Dsn = true },
                "ENHANCEDSTATUSCODES" => extensions with { EnhancedStatusCodes = true },
                _ => extensions,
            };
            if (keyword == "AUTH") mechanisms.AddRange(parameters.Select(m => m.ToUpperInvariant()));
        }
        return extensions with { AuthMechanisms = mechanisms.Distinct().ToArray() };
    }

    /// <summary>Whether the server offers the SASL mechanism (case-insensitive).</summary>
    public bool OffersAuth(string mechanism) => AuthMechanisms.Contains(mechanism, StringComparer.OrdinalIgnoreCase);

    // A missing, zero or unreadable number means "no fixed maximum": never refuse a message over a value we cannot read.
    private static long ParseSize(string[] parameters) =>
        parameters.Length > 0 && long.TryParse(parameters[0], NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : 0;
}
