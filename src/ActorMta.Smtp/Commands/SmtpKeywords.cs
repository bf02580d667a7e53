namespace ActorMta.Smtp;

/// <summary>
/// The command vocabulary both sides use: the keyword of each verb, the path prefixes and the ESMTP
/// parameter keywords. The client writes these octets; the parser reads them (its verb switch is a
/// 32-bit compare for speed, so a test checks that each keyword here identifies its own verb there).
/// </summary>
public static class SmtpKeywords
{
    private static readonly byte[][] Verbs = Build();

    /// <summary>The verb as it is written on the wire, upper case ("EHLO", "STARTTLS").</summary>
    public static ReadOnlySpan<byte> Of(SmtpVerb verb) =>
        verb == SmtpVerb.None ? throw new ArgumentOutOfRangeException(nameof(verb), "no keyword for an unknown verb") : Verbs[(int)verb];

    /// <summary>Every verb with a keyword.</summary>
    public static IEnumerable<SmtpVerb> All => Enum.GetValues<SmtpVerb>().Where(v => v != SmtpVerb.None);

    public static ReadOnlySpan<byte> From => "FROM:"u8;
    public static ReadOnlySpan<byte> To => "TO:"u8;
    public static ReadOnlySpan<byte> Last => "LAST"u8;

    /// <summary>An ESMTP parameter's keyword ("ENVID"), from the parser's own table of them.</summary>
    public static ReadOnlySpan<byte> Of(EsmtpParameter parameter) => EsmtpParameterParser.Keyword(parameter);

    private static byte[][] Build()
    {
        var verbs = new byte[Enum.GetValues<SmtpVerb>().Length][];
        foreach (var verb in Enum.GetValues<SmtpVerb>().Where(v => v != SmtpVerb.None))
            verbs[(int)verb] = System.Text.Encoding.ASCII.GetBytes(verb.ToString().ToUpperInvariant());
        return verbs;
    }
}
