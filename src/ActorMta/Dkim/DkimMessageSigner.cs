using System.Globalization;
using MimeKit;
using MimeKit.Cryptography;
using ActorMta.Delivery.Content;

namespace ActorMta.Dkim;

/// <summary>
/// Signs accepted messages with DKIM (RFC 6376; ed25519-sha256 per RFC 8463), with MimeKit's
/// <see cref="DkimSigner"/>, relaxed/relaxed. The key is the active selector's of the From header's
/// domain (exactly; else the default entry's); mail from other domains is not signed. Settings and keys
/// come from <see cref="DkimReloader"/>, which swaps them when the files change.
///
/// A message with 8-bit content is converted to 7-bit (<see cref="SevenBitConversion"/>) before it
/// is signed: a next hop without 8BITMIME would otherwise get converted content whose signature no
/// longer verifies. Signing is streamed where MimeKit allows it: the message is parsed persistently
/// (parts are ranges of the input, not copies), the body hash is computed by streaming the parts, and
/// <see cref="Signed.WriteTo"/> streams the result; only the headers are held in memory. A converted
/// 8-bit part is re-encoded while it is hashed and again while it is written, never held whole.
/// Blocking (parsing, hashing): call it on a pool thread, never on an actor's.
/// </summary>
public sealed class DkimMessageSigner
{
    /// <summary>RFC 6376 5.4: fields a signer should not sign (MimeKit refuses them); the settings refuse them at start-up.</summary>
    public static readonly IReadOnlySet<string> NeverSigned = new HashSet<string>(
        ["return-path", "received", "comments", "keywords", "bcc", "resent-bcc", "dkim-signature"], StringComparer.OrdinalIgnoreCase);

    /// <summary>CRLF throughout and a final line end: what DKIM hashes, and so what is stored.</summary>
    private static readonly FormatOptions Wire = new() { NewLineFormat = NewLineFormat.Dos, EnsureNewLine = true };

    private static readonly IdnMapping Idn = new();

    private readonly Func<DkimSigning> _current;

    /// <param name="current">The settings and keys to sign with, read once per message (<see cref="DkimReloader.Current"/>).</param>
    public DkimMessageSigner(Func<DkimSigning> current) => _current = current;

    /// <summary>Signs with fixed settings, their keys read now.</summary>
    public DkimMessageSigner(DkimSettings settings)
    {
        var signing = DkimSigning.Load(settings);
        _current = () => signing;
    }

    /// <summary>Any domain is signed now (else the intake stores mail without parsing it).</summary>
    public bool Enabled => _current().Settings.Enabled;

    /// <summary>A signed message, still reading from the input it was parsed from: write it before that is closed.</summary>
    public sealed record Signed(MimeMessage Message, string Domain, string Selector, bool ConvertedToSevenBit)
    {
        public void WriteTo(Stream output) => Message.WriteTo(Wire, output);
    }

    /// <summary>
    /// Parses <paramref name="input"/> (seekable, at the message's start, kept open until the result is written)
    /// and signs it; null when no key signs for its From domain (or it has no From address).
    /// </summary>
    /// <param name="smtpUtf8">The message came with SMTPUTF8 (decides what 8-bit headers mean).</param>
    public Signed? Sign(Stream input, bool smtpUtf8)
    {
        ArgumentNullException.ThrowIfNull(input);
        var start = input.Position;
        var eightBit = SevenBitConversion.Has8Bit(input);
        input.Position = start;
        var message = new MimeParser(input, MimeFormat.Entity, persistent: true).ParseMessage();
        // One snapshot for the whole message: a reload meanwhile does not mix settings and keys.
        var signing = _current();
        if (FromDomain(message) is not { } fromDomain || signing.Settings.For(fromDomain) is not { } entry) return null;

        // Not convertible (8-bit headers, message/global): signed as it is; such mail goes only to hops that take it as it is.
        var converted = eightBit && SevenBitConversion.ConvertInPlace(message, smtpUtf8) is null;
        var selector = entry.Active;
        var signer = new DkimSigner(signing.Keys[selector].Key, entry.Domain, selector.Name,
            selector.Algorithm == DkimAlgorithm.Ed25519Sha256 ? DkimSignatureAlgorithm.Ed25519Sha256 : DkimSignatureAlgorithm.RsaSha256)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        signer.Sign(Wire, message, HeadersToSign(message, entry));
        return new Signed(message, entry.Domain, selector.Name, converted);
    }

    /// <summary>
    /// The h= list: each configured field as often as the message has it (signed bottom up, RFC 6376 5.4.2), and
    /// an over-signed field once more, so a verifier treats an added instance as a change (RFC 6376 8.15).
    /// </summary>
    public static List<string> HeadersToSign(MimeMessage message, DkimDomain entry)
    {
        var fields = new List<string>();
        foreach (var name in entry.Headers.Concat(entry.OverSign.Where(o => !entry.Headers.Contains(o, StringComparer.OrdinalIgnoreCase))).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            // MimeKit keeps a message's Content-* fields with its body entity.
            var headers = name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) ? message.Body?.Headers : message.Headers;
            var present = headers?.Count(h => h.Field.Equals(name, StringComparison.OrdinalIgnoreCase)) ?? 0;
            var times = present + (entry.OverSign.Contains(name, StringComparer.OrdinalIgnoreCase) ? 1 : 0);
            for (var i = 0; i < times; i++) fields.Add(name);
        }
        return fields;
    }

    /// <summary>The domain of the (first) From address, lower-case, in its ASCII (A-label) form.</summary>
    private static string? FromDomain(MimeMessage message)
    {
        var domain = message.From.Mailboxes.FirstOrDefault()?.Domain?.Trim().TrimEnd('.');
        if (string.IsNullOrEmpty(domain)) return null;
        try
        {
            return Idn.GetAscii(domain).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
