using System.Text;
using CsCheck;

namespace ActorMta.Smtp.Fuzzing;

/// <summary>
/// Generators for the wire fuzzing properties. Inputs are arrays of token indices: an index below the
/// dictionary's size is a token (a verb, a delimiter, an escape that matters), above it one raw octet.
/// CsCheck shrinks such arrays well (fewer, earlier tokens), so a failure comes back small.
/// </summary>
internal static class FuzzInputs
{
    private static byte[][] Tokens(params string[] tokens) => tokens.Select(Encoding.UTF8.GetBytes).ToArray();

    /// <summary>What command lines are made of.</summary>
    public static readonly byte[][] CommandTokens = Tokens(
        "MAIL", "RCPT", "DATA", "BDAT", "EHLO", "HELO", "RSET", "QUIT", "NOOP", "VRFY", "AUTH", "STARTTLS", "HELP", "EXPN",
        " FROM:", " TO:", "FROM:<", "TO:<", " ", "  ", "<", ">", "<>", "@", ".", "\"", "\\", ":", ",", ";", "=", "+", "[", "]",
        "a", "Z", "0", "9", "-", "_", "é", "\u0085", "\u2028", "postmaster", "IPv6:", "::1", "127.0.0.1", "example.org", "a.b",
        " SIZE=", " BODY=", "7BIT", "8BITMIME", "BINARYMIME", " SMTPUTF8", " RET=", "FULL", "HDRS", " ENVID=", " AUTH=",
        " NOTIFY=", "NEVER", "SUCCESS", "FAILURE", "DELAY", " ORCPT=", "rfc822;", "utf-8;",
        "+0D", "+0A", "+00", "+7F", "+20", "+2B", "+3D", "+40", "+C3+A9", "+C2+85", "+FF", "+", "+G",
        " LAST", "123", "99999999999999999999", "PLAIN", "=", "\r", "\n", "\0", "\t", "\x7f",
        new string('a', 64), new string('b', 250), new string('+', 3));

    /// <summary>What message content is made of: line ends real and fake, dots, the end marker, commands to smuggle.</summary>
    public static readonly byte[][] ContentTokens = Tokens(
        "\r\n", "\r", "\n", ".", "..", "\r\n.\r\n", "\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r\n..\r\n", "\r\n.", ".\r\n",
        "\0", "a", "Subject: x", " ", "MAIL FROM:<ceo@victim.example>\r\n", "RCPT TO:<t@victim.example>\r\n", "DATA\r\n",
        "BDAT 5 LAST\r\n", "QUIT\r\n", "é", new string('x', 400), new string('y', 997));

    /// <summary>What replies are made of.</summary>
    public static readonly byte[][] ReplyTokens = Tokens(
        "250", "250-", "250 ", "220 ", "354 ", "421 ", "451-", "550 ", "599 ", "600 ", "199 ", "2", "25", "-", " ",
        "2.0.0 ", "5.1.1 ", "4.7.0 ", "9.9.9 ", "Ok", "mx.example ESMTP", "PIPELINING", "SIZE 1000", "é", "\r\n", "\r", "\n", "\0",
        new string('t', 300));

    /// <summary>Pieces of input: three in four a token of the dictionary, else one raw octet.</summary>
    public static Gen<int[]> TokenIndices(byte[][] dictionary, int maxLength) =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, dictionary.Length - 1], Gen.Byte, (kind, token, octet) => kind < 3 ? token : dictionary.Length + octet)
            .Array[0, maxLength];

    /// <summary>Indices (from <see cref="TokenIndices"/>) to octets: below the dictionary's size a token, else one octet.</summary>
    public static byte[] Join(byte[][] dictionary, int[] indices)
    {
        var output = new List<byte>();
        foreach (var index in indices)
        {
            if (index < dictionary.Length) output.AddRange(dictionary[index]);
            else output.Add((byte)(index - dictionary.Length));
        }
        return output.ToArray();
    }

    /// <summary>Random command lines (no CRLF: the line reader never returns one).</summary>
    public static readonly Gen<byte[]> CommandLine =
        TokenIndices(CommandTokens, 40).Select(indices => Join(CommandTokens, indices));

    /// <summary>
    /// MAIL and RCPT lines with the shape the parser wants and random parts, so many are accepted:
    /// verb, path (local part, '@', domain), then the verb's parameters with xtext values made of
    /// tokens that matter (escapes of CR, LF, NUL, DEL, C1 controls, UTF-8), now and then one raw octet.
    /// </summary>
    public static Gen<byte[]> PathCommand => Gen.Select(
        Gen.Bool,
        Gen.Int[0, 6],
        Gen.OneOf("a", "x.y", "\"a b\"", "\"q\\\"uote\"", "jos\u00e9", "postmaster", "", "\"\"", "\"a\\\\b\"", "o'k", "1+2").Array[1, 3],
        Gen.OneOf("example.org", "b.example", "[127.0.0.1]", "[IPv6:::1]", "\u00e9.example", "x", "a-b.c").Array[1, 2],
        Gen.Select(Gen.Int[0, 20], Gen.Int[0, XtextTokens.Length - 1].Array[1, 4]).Array[0, 3],
        Gen.Select(Gen.Int[0, 15], Gen.Int[0, 400], Gen.Byte),
        (mail, shape, locals, domains, parameters, mutation) =>
        {
            var text = new StringBuilder(mail ? "MAIL FROM:<" : "RCPT TO:<");
            if (shape == 0) text.Append("@relay.example:");
            text.Append(string.Join(".", locals));
            if (shape != 1) text.Append('@').Append(string.Join(".", domains));
            text.Append('>');
            var line = new List<byte>(Encoding.UTF8.GetBytes(text.ToString()));
            var keywords = mail ? MailParameters : RecipientParameters;
            foreach (var (which, value) in parameters)
            {
                var keyword = keywords[which % keywords.Length];
                line.AddRange(Encoding.UTF8.GetBytes(keyword));
                if (keyword[^1] is '=' or ';') line.AddRange(Join(XtextTokens, value));
            }
            // One in sixteen lines gets one raw octet somewhere.
            if (mutation.Item1 == 0) line.Insert(mutation.Item2 % (line.Count + 1), mutation.Item3);
            return line.ToArray();
        });

    private static readonly string[] MailParameters =
    [
        " SIZE=1", " BODY=8BITMIME", " BODY=BINARYMIME", " BODY=7BIT", " SMTPUTF8", " RET=FULL", " RET=HDRS", " ENVID=", " AUTH=", " AUTH=<>",
    ];

    private static readonly string[] RecipientParameters =
    [
        " NOTIFY=NEVER", " NOTIFY=SUCCESS,DELAY", " NOTIFY=FAILURE", " ORCPT=rfc822;", " ORCPT=utf-8;", " ORCPT=x400;", " ORCPT=RFC822;",
    ];

    private static readonly byte[][] XtextTokens = Tokens(
        "a", "b.example", "@", "1", "+0D", "+0A", "+00", "+09", "+7F", "+20", "+2B", "+3D", "+40", "+C3+A9", "+C2+85", "+FF",
        "+e9", "é", "\u0085", ";", "<>", "<", ">", "\\", "\"", new string('o', 120), "+E2+80+A8", "x@y.example");

    /// <summary>A byte stream split into the segments a pipe might hand over.</summary>
    public static Gen<(byte[] Stream, int[] Cuts)> Stream(byte[][] dictionary, int maxTokens) => Gen.Select(
        TokenIndices(dictionary, maxTokens).Select(indices => Join(dictionary, indices)),
        Gen.Int[1, 64].Array[0, 8]);

    /// <summary>Cuts <paramref name="stream"/> at the given segment lengths (the rest is one last segment).</summary>
    public static List<byte[]> Segments(byte[] stream, int[] cuts)
    {
        var segments = new List<byte[]>();
        var at = 0;
        foreach (var cut in cuts)
        {
            if (at >= stream.Length) break;
            var length = Math.Min(cut, stream.Length - at);
            segments.Add(stream[at..(at + length)]);
            at += length;
        }
        if (at < stream.Length) segments.Add(stream[at..]);
        return segments;
    }

    /// <summary>Octets shown with escapes, for failure messages.</summary>
    public static string Show(ReadOnlySpan<byte> octets)
    {
        var text = new StringBuilder();
        foreach (var b in octets) text.Append(b is >= 32 and < 127 and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}");
        return text.ToString();
    }
}
