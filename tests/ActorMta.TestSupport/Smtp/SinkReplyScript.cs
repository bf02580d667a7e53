namespace ActorMta.TestSupport.Smtp;

/// <summary>The points in a session where a scripted reply can replace the sink's normal one.</summary>
public enum SinkStage
{
    /// <summary>The greeting.</summary>
    Connect,

    /// <summary>EHLO or HELO; the argument is the client's name.</summary>
    Helo,

    /// <summary>MAIL FROM; the argument is the reverse-path.</summary>
    MailFrom,

    /// <summary>RCPT TO; the argument is the recipient.</summary>
    Recipient,

    /// <summary>The DATA command itself, or the first BDAT.</summary>
    Data,

    /// <summary>The end of the content (final dot or BDAT LAST): the reply that accepts or refuses the message.</summary>
    EndOfMessage,
}

/// <summary>What a reply rule can look at: the command argument and the transaction so far.</summary>
public sealed record SinkReplyContext(SinkStage Stage, string Argument, string? ReversePath, IReadOnlyList<string> Recipients, int ConnectionNumber);

/// <summary>A reply to send instead of the normal one, and whether to close the connection after it.</summary>
/// <param name="Gate">Sent only once this completes: a next hop that holds a transaction open (e.g. while a test moves the sender).</param>
public sealed record SinkReply(int Code, string Text, bool CloseConnection, Task? Gate = null);

/// <summary>
/// The sink's scripted replies. Rules are tried in the order they were added; the first one whose stage and
/// condition match and that has uses left answers, e.g.
/// <c>OnMessage().Times(2).Reply(451, "4.3.0 Try again later")</c> makes the first two transactions fail and the rest succeed.
/// </summary>
public sealed class SinkReplyScript
{
    private readonly Lock _gate = new();
    private readonly List<Rule> _rules = [];

    /// <summary>A rule for the greeting, e.g. <c>OnConnect().ReplyAndClose(421, "4.3.2 Not now")</c>.</summary>
    public SinkReplyRuleBuilder OnConnect() => new(this, SinkStage.Connect, null, null);

    /// <summary>A rule for EHLO/HELO.</summary>
    public SinkReplyRuleBuilder OnHelo() => new(this, SinkStage.Helo, null, null);

    /// <summary>A rule for MAIL FROM, for every reverse-path or only <paramref name="reversePath"/>.</summary>
    public SinkReplyRuleBuilder OnMailFrom(string? reversePath = null) => new(this, SinkStage.MailFrom, ArgumentIs(reversePath), null);

    /// <summary>A rule for RCPT TO, for every recipient or only <paramref name="recipient"/>.</summary>
    public SinkReplyRuleBuilder OnRecipient(string? recipient = null) => new(this, SinkStage.Recipient, ArgumentIs(recipient), null);

    /// <summary>A rule for the DATA command (or first BDAT).</summary>
    public SinkReplyRuleBuilder OnData() => new(this, SinkStage.Data, null, null);

    /// <summary>A rule for the end of the content: the reply that accepts or refuses the whole message.</summary>
    public SinkReplyRuleBuilder OnMessage() => new(this, SinkStage.EndOfMessage, null, null);

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    internal void Add(SinkStage stage, Func<SinkReplyContext, bool>? condition, int? uses, SinkReply reply)
    {
        lock (_gate)
        {
            _rules.Add(new Rule(stage, condition, reply) { UsesLeft = uses });
        }
    }

    /// <summary>The scripted reply for this point, using up one use of its rule; null means "answer normally".</summary>
    internal SinkReply? Take(SinkReplyContext context)
    {
        lock (_gate)
        {
            foreach (var rule in _rules)
            {
                if (rule.Stage != context.Stage || rule.UsesLeft == 0 || (rule.Condition is not null && !rule.Condition(context)))
                {
                    continue;
                }

                if (rule.UsesLeft is { } left)
                {
                    rule.UsesLeft = left - 1;
                }

                return rule.Reply;
            }

            return null;
        }
    }

    private static Func<SinkReplyContext, bool>? ArgumentIs(string? expected) =>
        expected is null ? null : c => string.Equals(c.Argument, expected, StringComparison.OrdinalIgnoreCase);

    private sealed record Rule(SinkStage Stage, Func<SinkReplyContext, bool>? Condition, SinkReply Reply)
    {
        public int? UsesLeft { get; set; }
    }
}

/// <summary>Builds one rule of a <see cref="SinkReplyScript"/>: where it applies, how often, and what it answers.</summary>
public sealed record SinkReplyRuleBuilder(SinkReplyScript Script, SinkStage Stage, Func<SinkReplyContext, bool>? Condition, int? Uses)
{
    /// <summary>Applies the rule only the first <paramref name="count"/> times it matches.</summary>
    public SinkReplyRuleBuilder Times(int count) => this with { Uses = count };

    /// <summary>Applies the rule only when <paramref name="condition"/> also holds.</summary>
    public SinkReplyRuleBuilder When(Func<SinkReplyContext, bool> condition) =>
        this with { Condition = Condition is { } existing ? c => existing(c) && condition(c) : condition };

    /// <summary>Answers <paramref name="code"/> <paramref name="text"/> (text may hold "\n" for a multi-line reply).</summary>
    public SinkReplyScript Reply(int code, string text) => Add(new SinkReply(code, text, CloseConnection: false));

    /// <summary>Answers <paramref name="code"/> <paramref name="text"/> once <paramref name="gate"/> completes, holding the client until then.</summary>
    public SinkReplyScript ReplyAfter(Task gate, int code, string text) => Add(new SinkReply(code, text, CloseConnection: false, gate));

    /// <summary>Answers and then closes the connection (e.g. 421).</summary>
    public SinkReplyScript ReplyAndClose(int code, string text) => Add(new SinkReply(code, text, CloseConnection: true));

    private SinkReplyScript Add(SinkReply reply)
    {
        Script.Add(Stage, Condition, Uses, reply);
        return Script;
    }
}
