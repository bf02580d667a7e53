using System.Buffers.Binary;
using System.Text;

namespace ActorMta.Smtp;

/// <summary>
/// Parses one command line (as returned by <see cref="SmtpLineReader"/>, without CRLF) into an
/// <see cref="SmtpCommand"/>. Verbs, "FROM:"/"TO:" and parameter keywords are case-insensitive.
/// Allocates nothing. Stateless apart from the limits; one instance can serve every session.
/// </summary>
/// <remarks>
/// Tolerated on input, as Postfix does: trailing spaces, spaces between "FROM:" and the path, and
/// repeated spaces between parameters. Refused: a path without angle brackets (RFC 5321 strict).
/// </remarks>
public sealed class SmtpCommandParser(SmtpLimits limits)
{
    public SmtpCommandParser() : this(SmtpLimits.Default)
    {
    }

    public SmtpLimits Limits { get; } = limits;

    /// <param name="line">The command line without CRLF.</param>
    /// <param name="offered">Extensions offered to this client: parameters of others are unknown (555). None after HELO.</param>
    /// <param name="smtpUtf8Transaction">Whether this transaction's MAIL carried SMTPUTF8 (allows UTF-8 in RCPT addresses).</param>
    public SmtpCommand Parse(ReadOnlySpan<byte> line, SmtpExtensions offered, bool smtpUtf8Transaction = false)
    {
        var lineLength = line.Length + 2;
        line = line.TrimEnd(SmtpSyntax.Space);
        if (line.IndexOfAny(SmtpSyntax.CommandControls) >= 0)
            return Fail(line, SmtpVerb.None, CommandStatus.InvalidCharacter, SmtpReplies.InvalidCharacterInCommand);

        var space = line.IndexOf(SmtpSyntax.Space);
        var verb = Identify(space < 0 ? line : line[..space], out var notImplemented);
        if (verb == SmtpVerb.None)
        {
            return notImplemented
                ? Fail(line, verb, CommandStatus.NotImplemented, SmtpReplies.CommandNotImplemented)
                : Fail(line, verb, CommandStatus.UnknownVerb, SmtpReplies.CommandUnrecognized);
        }
        // MAIL and RCPT may use ParameterAllowance beyond the base limit; nothing goes past that.
        if (lineLength > Limits.MaxCommandLineLength
            || (lineLength > Limits.CommandLineLength && verb is not (SmtpVerb.Mail or SmtpVerb.Rcpt)))
            return Fail(line, verb, CommandStatus.LineTooLong, SmtpReplies.CommandLineTooLong);

        var argument = space < 0 ? new LineSlice(line.Length, 0) : LineSlice.Between(SkipSpaces(line, space), line.Length);
        return verb switch
        {
            SmtpVerb.Helo or SmtpVerb.Ehlo => ParseHello(line, verb, argument),
            SmtpVerb.Mail => ParsePathCommand(line, verb, argument, offered, utf8Transaction: false),
            SmtpVerb.Rcpt => ParsePathCommand(line, verb, argument, offered, smtpUtf8Transaction),
            SmtpVerb.Bdat => ParseBdat(line, argument),
            SmtpVerb.Auth => ParseAuth(line, argument),
            SmtpVerb.Vrfy => argument.IsEmpty ? Syntax(line, verb) : Ok(line, verb, argument),
            SmtpVerb.Noop or SmtpVerb.Help => Ok(line, verb, argument),
            _ => argument.IsEmpty ? Ok(line, verb, argument) : Syntax(line, verb), // DATA, RSET, QUIT, STARTTLS
        };
    }

    private static SmtpCommand ParseHello(ReadOnlySpan<byte> line, SmtpVerb verb, LineSlice argument)
    {
        var name = argument.Of(line);
        // Underscores are not in RFC 5321's Domain, but Windows hosts send them; refusing them helps no one.
        var valid = name.Length > 0 && name[0] == '['
            ? AddressLiteral.IsValid(name)
            : SmtpSyntax.IsDomain(name, utf8: false, allowUnderscore: true);
        return valid ? Ok(line, verb, argument) : Syntax(line, verb);
    }

    /// <summary>
    /// MAIL FROM:&lt;reverse-path&gt; or RCPT TO:&lt;forward-path&gt;, then parameters. Parameters come
    /// first because SMTPUTF8 on the MAIL line decides whether the address may be UTF-8.
    /// </summary>
    private SmtpCommand ParsePathCommand(ReadOnlySpan<byte> line, SmtpVerb verb, LineSlice argument, SmtpExtensions offered, bool utf8Transaction)
    {
        var mail = verb == SmtpVerb.Mail;
        if (!TryFindPath(line, argument, mail ? SmtpKeywords.From : SmtpKeywords.To, out var path)) return Syntax(line, verb);
        var status = EsmtpParameterParser.Parse(line, path.Start + path.Length, verb, offered, utf8Transaction, out var parameters, out var failed, out var problem);
        if (status != CommandStatus.Ok) return ParameterFailure(line, verb, status, failed, problem);

        var error = PathParser.Parse(line, path, mail ? parameters.SmtpUtf8 : utf8Transaction, Limits, out var slices);
        // "<>" is only a reverse-path, "<postmaster>" without a domain only a forward-path.
        if (error == PathError.None && slices.Kind == (mail ? PathKind.Postmaster : PathKind.Null)) error = PathError.Syntax;
        return error switch
        {
            PathError.None => new SmtpCommand { Line = line, Verb = verb, ArgumentSlice = argument, Path = slices, Parameters = parameters },
            PathError.TooLong => Fail(line, verb, CommandStatus.AddressTooLong, mail ? SmtpReplies.SenderAddressTooLong : SmtpReplies.RecipientAddressTooLong),
            PathError.NonAscii => Fail(line, verb, CommandStatus.NonAsciiAddress, mail ? SmtpReplies.NonAsciiSender : SmtpReplies.NonAsciiRecipient),
            _ => Fail(line, verb, CommandStatus.InvalidAddress, mail ? SmtpReplies.BadSenderAddress : SmtpReplies.BadRecipientAddress),
        };
    }

    /// <summary>BDAT SP chunk-size [SP "LAST"] (RFC 3030 section 2).</summary>
    private static SmtpCommand ParseBdat(ReadOnlySpan<byte> line, LineSlice argument)
    {
        var text = argument.Of(line);
        var space = text.IndexOf(SmtpSyntax.Space);
        var sizeText = space < 0 ? text : text[..space];
        var last = space >= 0 && Ascii.EqualsIgnoreCase(text[SkipSpaces(text, space)..], SmtpKeywords.Last);
        // 18 digits keep any size inside a long; a session that cannot read the size cannot stay in step.
        if ((space >= 0 && !last) || !SmtpSyntax.TryParseDigits(sizeText, 18, out var size)) return Syntax(line, SmtpVerb.Bdat);
        return new SmtpCommand { Line = line, Verb = SmtpVerb.Bdat, ArgumentSlice = argument, ChunkSize = size, IsLastChunk = last };
    }

    /// <summary>AUTH SP sasl-mech [SP initial-response] (RFC 4954 section 4).</summary>
    private static SmtpCommand ParseAuth(ReadOnlySpan<byte> line, LineSlice argument)
    {
        var text = argument.Of(line);
        var space = text.IndexOf(SmtpSyntax.Space);
        var mechanism = space < 0 ? text : text[..space];
        var response = space < 0 ? default : LineSlice.Between(argument.Start + SkipSpaces(text, space), line.Length);
        var responseText = response.Of(line);
        var valid = mechanism.Length is > 0 and <= 20
            && mechanism.IndexOfAnyExcept(SmtpSyntax.SaslMechanism) < 0
            && (space < 0 || (responseText.Length > 0 && responseText.IndexOfAnyExcept(SmtpSyntax.Base64) < 0));
        if (!valid) return Syntax(line, SmtpVerb.Auth);
        return new SmtpCommand
        {
            Line = line,
            Verb = SmtpVerb.Auth,
            ArgumentSlice = argument with { Length = mechanism.Length },
            InitialResponseSlice = response,
        };
    }

    /// <summary>Finds "FROM:&lt;...&gt;" / "TO:&lt;...&gt;" and returns the path with its brackets.</summary>
    private static bool TryFindPath(ReadOnlySpan<byte> line, LineSlice argument, ReadOnlySpan<byte> keyword, out LineSlice path)
    {
        path = default;
        var text = argument.Of(line);
        if (text.Length <= keyword.Length || !Ascii.EqualsIgnoreCase(text[..keyword.Length], keyword)) return false;
        var start = argument.Start + keyword.Length;
        start = SkipSpaces(line, start - 1); // "MAIL FROM: <a@b>" is common; tolerate it
        if (start >= line.Length || line[start] != '<') return false;
        var end = PathParser.FindEnd(line, start);
        if (end < 0 || (end < line.Length && line[end] != SmtpSyntax.Space)) return false;
        path = LineSlice.Between(start, end);
        return true;
    }

    private static SmtpCommand ParameterFailure(ReadOnlySpan<byte> line, SmtpVerb verb, CommandStatus status, EsmtpParameter failed, ParameterValueProblem problem)
    {
        var reply = status switch
        {
            CommandStatus.UnknownParameter => verb == SmtpVerb.Mail ? SmtpReplies.UnknownMailParameter : SmtpReplies.UnknownRcptParameter,
            CommandStatus.DuplicateParameter => SmtpReplies.DuplicateParameter(failed),
            CommandStatus.InvalidParameterValue => SmtpReplies.InvalidParameterValue(failed, problem),
            CommandStatus.UnsupportedParameterValue => failed == EsmtpParameter.Body ? SmtpReplies.BinaryMimeNotSupported : SmtpReplies.UnknownMailParameter,
            _ => SyntaxReply(verb),
        };
        var known = status is CommandStatus.DuplicateParameter or CommandStatus.InvalidParameterValue or CommandStatus.UnsupportedParameterValue;
        return new SmtpCommand { Line = line, Verb = verb, Status = status, ErrorReply = reply, FailedParameter = known ? failed : null };
    }

    /// <summary>Index of the first non-space after <paramref name="space"/>.</summary>
    private static int SkipSpaces(ReadOnlySpan<byte> text, int space)
    {
        var rest = text[(space + 1)..].IndexOfAnyExcept(SmtpSyntax.Space);
        return rest < 0 ? text.Length : space + 1 + rest;
    }

    private static SmtpCommand Ok(ReadOnlySpan<byte> line, SmtpVerb verb, LineSlice argument) =>
        new() { Line = line, Verb = verb, ArgumentSlice = argument };

    private static SmtpCommand Syntax(ReadOnlySpan<byte> line, SmtpVerb verb) =>
        Fail(line, verb, CommandStatus.SyntaxError, SyntaxReply(verb));

    private static SmtpCommand Fail(ReadOnlySpan<byte> line, SmtpVerb verb, CommandStatus status, SmtpReply reply) =>
        new() { Line = line, Verb = verb, Status = status, ErrorReply = reply };

    private static SmtpReply SyntaxReply(SmtpVerb verb) => verb switch
    {
        SmtpVerb.Helo => SmtpReplies.HeloSyntax,
        SmtpVerb.Ehlo => SmtpReplies.EhloSyntax,
        SmtpVerb.Mail => SmtpReplies.MailSyntax,
        SmtpVerb.Rcpt => SmtpReplies.RcptSyntax,
        SmtpVerb.Data => SmtpReplies.DataSyntax,
        SmtpVerb.Bdat => SmtpReplies.BdatSyntax,
        SmtpVerb.Rset => SmtpReplies.RsetSyntax,
        SmtpVerb.Quit => SmtpReplies.QuitSyntax,
        SmtpVerb.Vrfy => SmtpReplies.VrfySyntax,
        SmtpVerb.StartTls => SmtpReplies.StartTlsSyntax,
        SmtpVerb.Auth => SmtpReplies.AuthSyntax,
        _ => SmtpReplies.CommandUnrecognized,
    };

    // Verbs as little-endian lower-case words, so a verb is one 32-bit compare after OR-ing 0x20 into
    // each octet; that OR maps only an upper/lower-case letter pair onto a letter, so it is exact here.
    private const uint Helo = 'h' | 'e' << 8 | 'l' << 16 | 'o' << 24;
    private const uint Ehlo = 'e' | 'h' << 8 | 'l' << 16 | 'o' << 24;
    private const uint MailWord = 'm' | 'a' << 8 | 'i' << 16 | 'l' << 24;
    private const uint Rcpt = 'r' | 'c' << 8 | 'p' << 16 | 't' << 24;
    private const uint DataWord = 'd' | 'a' << 8 | 't' << 16 | 'a' << 24;
    private const uint Bdat = 'b' | 'd' << 8 | 'a' << 16 | 't' << 24;
    private const uint Rset = 'r' | 's' << 8 | 'e' << 16 | 't' << 24;
    private const uint Noop = 'n' | 'o' << 8 | 'o' << 16 | 'p' << 24;
    private const uint Quit = 'q' | 'u' << 8 | 'i' << 16 | 't' << 24;
    private const uint Vrfy = 'v' | 'r' << 8 | 'f' << 16 | 'y' << 24;
    private const uint HelpWord = 'h' | 'e' << 8 | 'l' << 16 | 'p' << 24;
    private const uint Auth = 'a' | 'u' << 8 | 't' << 16 | 'h' << 24;
    private const uint Expn = 'e' | 'x' << 8 | 'p' << 16 | 'n' << 24;
    private const uint Etrn = 'e' | 't' << 8 | 'r' << 16 | 'n' << 24;
    private const uint Turn = 't' | 'u' << 8 | 'r' << 16 | 'n' << 24;
    private const uint Atrn = 'a' | 't' << 8 | 'r' << 16 | 'n' << 24;
    private const uint Send = 's' | 'e' << 8 | 'n' << 16 | 'd' << 24;
    private const uint Soml = 's' | 'o' << 8 | 'm' << 16 | 'l' << 24;
    private const uint Saml = 's' | 'a' << 8 | 'm' << 16 | 'l' << 24;

    private static SmtpVerb Identify(ReadOnlySpan<byte> token, out bool notImplemented)
    {
        notImplemented = false;
        if (token.Length == 8) return Ascii.EqualsIgnoreCase(token, SmtpKeywords.Of(SmtpVerb.StartTls)) ? SmtpVerb.StartTls : SmtpVerb.None;
        if (token.Length != 4) return SmtpVerb.None;
        switch (BinaryPrimitives.ReadUInt32LittleEndian(token) | 0x20202020u)
        {
            case Helo: return SmtpVerb.Helo;
            case Ehlo: return SmtpVerb.Ehlo;
            case MailWord: return SmtpVerb.Mail;
            case Rcpt: return SmtpVerb.Rcpt;
            case DataWord: return SmtpVerb.Data;
            case Bdat: return SmtpVerb.Bdat;
            case Rset: return SmtpVerb.Rset;
            case Noop: return SmtpVerb.Noop;
            case Quit: return SmtpVerb.Quit;
            case Vrfy: return SmtpVerb.Vrfy;
            case HelpWord: return SmtpVerb.Help;
            case Auth: return SmtpVerb.Auth;
            case Expn or Etrn or Turn or Atrn or Send or Soml or Saml:
                notImplemented = true;
                return SmtpVerb.None;
            default:
                return SmtpVerb.None;
        }
    }
}
