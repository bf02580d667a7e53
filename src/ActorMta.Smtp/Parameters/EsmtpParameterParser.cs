using System.Text;

namespace ActorMta.Smtp;

/// <summary>What the parameters on one MAIL or RCPT line said, as values and line offsets.</summary>
internal struct ParsedParameters
{
    public long? Size;
    public BodyType Body;
    public bool SmtpUtf8;
    public DsnReturn Return;
    public LineSlice EnvelopeId;
    public bool Auth;
    public DsnNotify Notify;
    public LineSlice OriginalRecipientType;
    public LineSlice OriginalRecipient;
}

/// <summary>
/// ESMTP parameters (RFC 5321 4.1.2: esmtp-keyword ["=" esmtp-value], separated by SP) with the
/// syntax of each known one. A parameter counts as known only if its extension was offered.
/// </summary>
internal static class EsmtpParameterParser
{
    /// <summary>RFC 3461 4.4: ENVID at most 100 characters.</summary>
    public const int MaxEnvelopeIdLength = 100;

    /// <summary>RFC 3461 4.2: ORCPT at most 500 characters, here and as delivery writes it again.</summary>
    public const int MaxOriginalRecipientLength = 500;

    /// <summary>AUTH= (RFC 4954 5) names a mailbox; no RFC bound, so ORCPT's.</summary>
    public const int MaxAuthLength = 500;

    private readonly record struct Known(EsmtpParameter Parameter, string Name, SmtpVerb Verb, SmtpExtensions Extension);

    private static readonly Known[] KnownParameters =
    [
        new(EsmtpParameter.Size, "SIZE", SmtpVerb.Mail, SmtpExtensions.Size),
        new(EsmtpParameter.Body, "BODY", SmtpVerb.Mail, SmtpExtensions.EightBitMime | SmtpExtensions.BinaryMime),
        new(EsmtpParameter.SmtpUtf8, "SMTPUTF8", SmtpVerb.Mail, SmtpExtensions.SmtpUtf8),
        new(EsmtpParameter.Return, "RET", SmtpVerb.Mail, SmtpExtensions.Dsn),
        new(EsmtpParameter.EnvelopeId, "ENVID", SmtpVerb.Mail, SmtpExtensions.Dsn),
        new(EsmtpParameter.Auth, "AUTH", SmtpVerb.Mail, SmtpExtensions.Auth),
        new(EsmtpParameter.Notify, "NOTIFY", SmtpVerb.Rcpt, SmtpExtensions.Dsn),
        new(EsmtpParameter.OriginalRecipient, "ORCPT", SmtpVerb.Rcpt, SmtpExtensions.Dsn),
    ];

    private static readonly byte[][] KeywordBytes = KnownParameters.Select(k => Encoding.ASCII.GetBytes(k.Name)).ToArray();

    /// <summary>The keyword as written in commands, e.g. "ENVID".</summary>
    public static string Name(EsmtpParameter parameter) => KnownParameters[(int)parameter].Name;

    public static ReadOnlySpan<byte> Keyword(EsmtpParameter parameter) => KeywordBytes[(int)parameter];

    /// <summary>Parses the parameters that start at <paramref name="position"/> (just after the path).</summary>
    public static CommandStatus Parse(
        ReadOnlySpan<byte> line, int position, SmtpVerb verb, SmtpExtensions offered, bool utf8Transaction,
        out ParsedParameters result, out EsmtpParameter failed, out ParameterValueProblem problem)
    {
        result = default;
        failed = default;
        problem = ParameterValueProblem.None;
        var seen = 0;
        while (position < line.Length)
        {
            if (line[position++] != SmtpSyntax.Space) return CommandStatus.SyntaxError;
            if (position < line.Length && line[position] == SmtpSyntax.Space) continue; // tolerate repeated spaces
            var end = line[position..].IndexOf(SmtpSyntax.Space);
            var token = end < 0 ? line[position..] : line.Slice(position, end);
            var equals = token.IndexOf((byte)'=');
            var keyword = equals < 0 ? token : token[..equals];
            if (keyword.IsEmpty || keyword[0] == '-' || keyword.IndexOfAnyExcept(SmtpSyntax.EsmtpKeyword) >= 0)
                return CommandStatus.SyntaxError;
            var valueSlice = equals < 0 ? default : new LineSlice(position + equals + 1, token.Length - equals - 1);
            position += token.Length;

            if (!TryIdentify(keyword, verb, offered, out failed)) return CommandStatus.UnknownParameter;
            if ((seen & (1 << (int)failed)) != 0) return CommandStatus.DuplicateParameter;
            seen |= 1 << (int)failed;
            var status = Apply(failed, line, valueSlice, equals >= 0, offered, utf8Transaction, ref result, out problem);
            if (status != CommandStatus.Ok) return status;
        }
        return CommandStatus.Ok;
    }

    private static bool TryIdentify(ReadOnlySpan<byte> keyword, SmtpVerb verb, SmtpExtensions offered, out EsmtpParameter parameter)
    {
        for (var i = 0; i < KnownParameters.Length; i++)
        {
            var known = KnownParameters[i];
            if (known.Verb == verb && (offered & known.Extension) != 0 && Ascii.EqualsIgnoreCase(keyword, KeywordBytes[i]))
            {
                parameter = known.Parameter;
                return true;
            }
        }
        parameter = default;
        return false;
    }

    private static CommandStatus Apply(
        EsmtpParameter parameter, ReadOnlySpan<byte> line, LineSlice valueSlice, bool hasValue,
        SmtpExtensions offered, bool utf8Transaction, ref ParsedParameters result, out ParameterValueProblem problem)
    {
        problem = ParameterValueProblem.Syntax;
        var value = valueSlice.Of(line);
        // SMTPUTF8 is the only one without a value; every other needs a non-empty one.
        if (parameter == EsmtpParameter.SmtpUtf8 ? hasValue : value.IsEmpty) return CommandStatus.InvalidParameterValue;
        switch (parameter)
        {
            case EsmtpParameter.Size:
                if (!SmtpSyntax.TryParseDigits(value, 20, out var size)) return CommandStatus.InvalidParameterValue;
                result.Size = size;
                break;
            case EsmtpParameter.Body:
                result.Body = ParseBody(value);
                if (result.Body == BodyType.Unspecified) return CommandStatus.InvalidParameterValue;
                if (result.Body == BodyType.BinaryMime && (offered & SmtpExtensions.BinaryMime) == 0)
                    return CommandStatus.UnsupportedParameterValue;
                if (result.Body != BodyType.BinaryMime && (offered & SmtpExtensions.EightBitMime) == 0)
                    return CommandStatus.UnsupportedParameterValue;
                break;
            case EsmtpParameter.SmtpUtf8:
                result.SmtpUtf8 = true;
                break;
            case EsmtpParameter.Return:
                result.Return = Ascii.EqualsIgnoreCase(value, "FULL"u8) ? DsnReturn.Full
                    : Ascii.EqualsIgnoreCase(value, "HDRS"u8) ? DsnReturn.Headers
                    : DsnReturn.Unspecified;
                if (result.Return == DsnReturn.Unspecified) return CommandStatus.InvalidParameterValue;
                break;
            case EsmtpParameter.EnvelopeId:
                problem = DecodedValue.Check(value, MaxEnvelopeIdLength, allowUtf8: false);
                if (problem != ParameterValueProblem.None) return CommandStatus.InvalidParameterValue;
                result.EnvelopeId = valueSlice;
                break;
            case EsmtpParameter.Auth:
                // RFC 4954 5: AUTH=<> or AUTH=xtext(mailbox). Accepted and ignored: we trust our own authentication;
                // still checked like ENVID, so nothing that reaches a log or a later hop can hold a line break.
                problem = DecodedValue.Check(value, MaxAuthLength, allowUtf8: false);
                if (problem != ParameterValueProblem.None) return CommandStatus.InvalidParameterValue;
                result.Auth = true;
                break;
            case EsmtpParameter.Notify:
                result.Notify = ParseNotify(value);
                if (result.Notify == DsnNotify.Unspecified) return CommandStatus.InvalidParameterValue;
                break;
            case EsmtpParameter.OriginalRecipient:
                var semicolon = value.IndexOf((byte)';');
                if (semicolon <= 0 || semicolon == value.Length - 1 || value[..semicolon].IndexOfAnyExcept(SmtpSyntax.Atext) >= 0)
                    return CommandStatus.InvalidParameterValue;
                problem = value.Length > MaxOriginalRecipientLength
                    ? ParameterValueProblem.TooLong
                    : DecodedValue.CheckOriginalRecipient(value[..semicolon], value[(semicolon + 1)..], utf8Transaction, MaxOriginalRecipientLength);
                if (problem != ParameterValueProblem.None) return CommandStatus.InvalidParameterValue;
                result.OriginalRecipientType = valueSlice with { Length = semicolon };
                result.OriginalRecipient = new LineSlice(valueSlice.Start + semicolon + 1, value.Length - semicolon - 1);
                break;
        }
        problem = ParameterValueProblem.None;
        return CommandStatus.Ok;
    }

    private static BodyType ParseBody(ReadOnlySpan<byte> value) =>
        Ascii.EqualsIgnoreCase(value, "7BIT"u8) ? BodyType.SevenBit
        : Ascii.EqualsIgnoreCase(value, "8BITMIME"u8) ? BodyType.EightBitMime
        : Ascii.EqualsIgnoreCase(value, "BINARYMIME"u8) ? BodyType.BinaryMime
        : BodyType.Unspecified;

    /// <summary>NEVER, or a comma list of SUCCESS, FAILURE, DELAY without repeats (RFC 3461 4.1).</summary>
    private static DsnNotify ParseNotify(ReadOnlySpan<byte> value)
    {
        if (Ascii.EqualsIgnoreCase(value, "NEVER"u8)) return DsnNotify.Never;
        var notify = DsnNotify.Unspecified;
        foreach (var range in value.Split((byte)','))
        {
            var item = value[range];
            var flag = Ascii.EqualsIgnoreCase(item, "SUCCESS"u8) ? DsnNotify.Success
                : Ascii.EqualsIgnoreCase(item, "FAILURE"u8) ? DsnNotify.Failure
                : Ascii.EqualsIgnoreCase(item, "DELAY"u8) ? DsnNotify.Delay
                : DsnNotify.Unspecified;
            if (flag == DsnNotify.Unspecified || (notify & flag) != 0) return DsnNotify.Unspecified;
            notify |= flag;
        }
        return notify;
    }
}
