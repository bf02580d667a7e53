using ActorMta.Smtp.Server;
using ActorMta.Smtp;

namespace ActorMta.Ingress.Sessions;

/// <summary>Command dispatch: line errors, parser verdicts, pipelining discipline, the state table, the simple verbs.</summary>
public sealed partial class SessionActor
{
    private SmtpSessionState _state = SmtpSessionState.Connected;
    private SmtpExtensions _offered = SmtpExtensions.None;
    private string? _heloName;
    private bool _extendedHello;

    private void OnLine(LineRead read)
    {
        var inAuthExchange = _phase == Phase.AuthExchange;
        _phase = Phase.Command;
        if (!inAuthExchange) _commands++;
        if (RefusedAsLine(read)) return;
        if (inAuthExchange)
        {
            OnAuthResponse(_authStep, read.Line);
            return;
        }

        var command = _setup.Parser.Parse(read.Line, _offered, _transaction?.Parameters.SmtpUtf8 == true);
        if (read.MoreFollows && !MayBePipelined(command.Verb))
        {
            Fail(SessionReplies.SynchronizationError, $"improper pipelining after {VerbName(command.Verb)}");
            return;
        }
        if (!command.IsOk)
        {
            // A BDAT whose size cannot be read leaves its chunk on the wire with no way to find its end.
            if (command.Verb == SmtpVerb.Bdat) Fail(command.ErrorReply!, "unreadable BDAT size");
            else Refuse(command.ErrorReply!);
            return;
        }
        var rule = SmtpStateTable.Lookup(_state, command.Verb);
        if (!rule.IsAllowed)
        {
            if (command.Verb == SmtpVerb.Bdat) RefuseChunk(rule.Refusal!, command.ChunkSize);
            else Refuse(rule.Refusal!);
            return;
        }

        switch (command.Verb)
        {
            case SmtpVerb.Helo or SmtpVerb.Ehlo:
                Hello(command.ArgumentText(), extended: command.Verb == SmtpVerb.Ehlo);
                break;
            case SmtpVerb.Mail:
                Mail(command);
                break;
            case SmtpVerb.Rcpt:
                Recipient(command);
                break;
            case SmtpVerb.Data:
                Data();
                break;
            case SmtpVerb.Bdat:
                Chunk(command.ChunkSize, command.IsLastChunk);
                break;
            case SmtpVerb.Rset:
                ResetTransaction();
                Advance(SmtpVerb.Rset);
                Reply(SmtpReplies.Ok);
                break;
            case SmtpVerb.Noop:
                Reply(SmtpReplies.Ok);
                break;
            case SmtpVerb.Vrfy:
                Reply(SmtpReplies.CannotVerify);
                break;
            case SmtpVerb.Help:
                Reply(SmtpReplies.Help);
                break;
            case SmtpVerb.Quit:
                Fail(SmtpReplies.Closing, "quit");
                break;
            case SmtpVerb.StartTls:
                StartTls();
                break;
            case SmtpVerb.Auth:
                Authenticate(command);
                break;
        }
    }

    /// <summary>An over-long line or one with a bare CR/LF is answered as such, whatever it was meant to be.</summary>
    private bool RefusedAsLine(LineRead read)
    {
        var reply = read.Status switch
        {
            LineStatus.TooLong => SmtpReplies.CommandLineTooLong,
            LineStatus.BareLineEnding => SmtpReplies.BareLineEndingInCommand,
            _ => null,
        };
        if (reply is not null) Refuse(reply);
        return reply is not null;
    }

    /// <summary>
    /// RFC 2920: a client may send commands ahead only after it saw PIPELINING, and EHLO, HELO, DATA
    /// and AUTH end a group (their answer decides what may follow). BDAT's chunk follows it by design;
    /// octets after STARTTLS are dropped unread; nothing after QUIT matters.
    /// </summary>
    private bool MayBePipelined(SmtpVerb verb)
    {
        if (verb is SmtpVerb.Bdat or SmtpVerb.StartTls or SmtpVerb.Quit) return true;
        return (_offered & SmtpExtensions.Pipelining) != 0
            && verb is not (SmtpVerb.Helo or SmtpVerb.Ehlo or SmtpVerb.Data or SmtpVerb.Auth);
    }

    private void Hello(string name, bool extended)
    {
        ResetTransaction();
        _heloName = name;
        _extendedHello = extended;
        _offered = extended ? _setup.EhloExtensions(_connection.IsTls) : SmtpExtensions.None;
        Advance(extended ? SmtpVerb.Ehlo : SmtpVerb.Helo);
        Reply(extended ? _setup.Capabilities.EhloReply(_offered) : _setup.Capabilities.HeloReply);
    }

    /// <summary>
    /// A command succeeded: the session moves to the state the table names for it (the table is the only
    /// place that says which state follows which verb). <paramref name="lastChunk"/>: BDAT ... LAST.
    /// </summary>
    private void Advance(SmtpVerb verb, bool lastChunk = false)
    {
        var rule = SmtpStateTable.Lookup(_state, verb);
        if (!rule.IsAllowed) throw new InvalidOperationException($"{verb} completed in state {_state}, where the table refuses it");
        _state = lastChunk ? rule.NextStateAfterLastChunk : rule.NextState;
    }

    private static string VerbName(SmtpVerb verb) => verb == SmtpVerb.None ? "an unknown command" : verb.ToString().ToUpperInvariant();
}
