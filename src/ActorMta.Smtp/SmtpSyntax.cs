using System.Buffers;
using System.Text.Unicode;

namespace ActorMta.Smtp;

/// <summary>Character classes of RFC 5321 / 5322 / 6531 as vectorizable byte sets.</summary>
internal static class SmtpSyntax
{
    public const byte Cr = (byte)'\r';
    public const byte Lf = (byte)'\n';
    public const byte Space = (byte)' ';

    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";

    /// <summary>RFC 5322 atext.</summary>
    public static readonly SearchValues<byte> Atext = Bytes(Letters + Digits + "!#$%&'*+-/=?^_`{|}~");

    /// <summary>atext plus UTF8-non-ascii octets (RFC 6531 section 3.3); well-formedness is checked separately.</summary>
    public static readonly SearchValues<byte> AtextUtf8 = Bytes(Letters + Digits + "!#$%&'*+-/=?^_`{|}~", nonAscii: true);

    public static readonly SearchValues<byte> LetDigHyphen = Bytes(Letters + Digits + "-");
    public static readonly SearchValues<byte> LetDigHyphenUtf8 = Bytes(Letters + Digits + "-", nonAscii: true);
    public static readonly SearchValues<byte> HostnameLenient = Bytes(Letters + Digits + "-_");
    public static readonly SearchValues<byte> DigitSet = Bytes(Digits);
    public static readonly SearchValues<byte> HexDigits = Bytes(Digits + "ABCDEFabcdef");
    public static readonly SearchValues<byte> EsmtpKeyword = Bytes(Letters + Digits + "-");
    public static readonly SearchValues<byte> SaslMechanism = Bytes(Letters + Digits + "-_");
    public static readonly SearchValues<byte> Base64 = Bytes(Letters + Digits + "+/=");

    /// <summary>Octets never allowed in a command line: C0 controls and DEL.</summary>
    public static readonly SearchValues<byte> CommandControls = Controls();

    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    public static bool IsLetDig(byte b, bool utf8) => b >= 0x80 ? utf8 : (LetDigHyphen.Contains(b) && b != '-');

    public static bool IsWellFormedUtf8(ReadOnlySpan<byte> text) => Utf8.IsValid(text);

    /// <summary>Parses 1*digits into a non-negative long, saturating at <see cref="long.MaxValue"/>.</summary>
    public static bool TryParseDigits(ReadOnlySpan<byte> digits, int maxDigits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > maxDigits || digits.IndexOfAnyExcept(DigitSet) >= 0) return false;
        foreach (var d in digits)
        {
            value = value > (long.MaxValue - 9) / 10 ? long.MaxValue : value * 10 + (d - '0');
        }
        return true;
    }

    /// <summary>
    /// RFC 5321 Domain: sub-domains of Let-dig [Ldh-str], at most 63 octets each (RFC 1035).
    /// With <paramref name="utf8"/> non-ASCII octets count as letters (U-labels, RFC 6531).
    /// </summary>
    public static bool IsDomain(ReadOnlySpan<byte> domain, bool utf8, bool allowUnderscore = false)
    {
        if (domain.IsEmpty) return false;
        var allowed = allowUnderscore ? HostnameLenient : utf8 ? LetDigHyphenUtf8 : LetDigHyphen;
        foreach (var range in domain.Split((byte)'.'))
        {
            var label = domain[range];
            if (label.Length is 0 or > 63 || label.IndexOfAnyExcept(allowed) >= 0) return false;
            if (label[0] == '-' || label[^1] == '-') return false;
        }
        return !utf8 || IsWellFormedUtf8(domain);
    }

    /// <summary>RFC 5321 Dot-string: atoms of atext separated by single dots.</summary>
    public static bool IsDotString(ReadOnlySpan<byte> text, bool utf8)
    {
        if (text.IsEmpty || text[0] == '.' || text[^1] == '.' || text.IndexOf(".."u8) >= 0) return false;
        var allowed = utf8 ? AtextUtf8 : Atext;
        foreach (var range in text.Split((byte)'.'))
        {
            if (text[range].IndexOfAnyExcept(allowed) >= 0) return false;
        }
        return !utf8 || IsWellFormedUtf8(text);
    }

    private static SearchValues<byte> Bytes(string ascii, bool nonAscii = false)
    {
        var set = new List<byte>(ascii.Select(c => (byte)c));
        if (nonAscii)
        {
            for (var b = 0x80; b <= 0xFF; b++) set.Add((byte)b);
        }
        return SearchValues.Create(set.ToArray());
    }

    private static SearchValues<byte> Controls()
    {
        var set = new List<byte> { 0x7F };
        for (var b = 0; b < 0x20; b++) set.Add((byte)b);
        return SearchValues.Create(set.ToArray());
    }
}
