using ActorMta.Contracts;
using System.Net;
using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Sts;
using ActorMta.Smtp.Client;
using Akka.Actor;
using Akka.Event;
using static ActorMta.Delivery.Connections.ConnectionProtocol;

namespace ActorMta.Delivery.Connections;

/// <summary>
/// One outbound SMTP connection of a domain, from one egress source: it tries the next hops in
/// order until one takes the session, then carries one message at a time (the client sends RSET
/// between transactions) until its parent closes it or the server ends it. All I/O is async and
/// comes back as messages (PipeTo); the actor never blocks.
/// </summary>
public sealed partial class OutboundConnection : ReceiveActor
{
    /// <summary>Addresses tried per connection before giving up (Postfix's smtp_mx_address_limit).</summary>
    internal const int MaxAddressesTried = 5;

    private sealed record SessionOpened(SmtpClientSession Session, string Host, IPEndPoint Address, StsOutcome? Sts);

    private sealed record Closed
    {
        public static readonly Closed Instance = new();
    }

    private readonly IReadOnlyList<NextHop> _hops;
    private readonly EgressSource _source;
    private readonly SmtpClientOptions _options;
    private readonly IMessageBodyReader _bodies;
    private readonly int _maxRecipients;
    private readonly DestinationPolicy? _loops;
    private readonly MtaStsPolicies? _sts;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _stopping = new();
    private SmtpClientSession? _session;
    private string _where = "";

    /// <param name="loops">For MX routes: a next hop that greets (or answers EHLO) with this node's name is this node, a mail loop.</param>
    /// <param name="sts">For MX routes: checks next hops that carry an MTA-STS policy, and counts sessions for TLS-RPT.</param>
    public OutboundConnection(IReadOnlyList<NextHop> hops, EgressSource source, SmtpClientOptions options, IMessageBodyReader bodies, int maxRecipients, DestinationPolicy? loops,
        MtaStsPolicies? sts = null)
    {
        _sts = sts;
        _hops = hops;
        _source = source;
        _options = options;
        _bodies = bodies;
        _maxRecipients = maxRecipients;
        _loops = loops;
        Receive<SessionOpened>(opened =>
        {
            _session = opened.Session;
            _where = $"{opened.Host}[{opened.Address.Address}]";
            Context.Parent.Tell(new Opened(opened.Host, opened.Address.ToString(), opened.Session.IsTls, opened.Sts));
            Become(Ready);
        });
        Receive<OpenFailed>(failed =>
        {
            Context.Parent.Tell(failed);
            Context.Stop(Self);
        });
    }

    protected override void PreStart() => OpenAsync().PipeTo(Self);

    private void Ready()
    {
        Receive<Transmit>(transmit => TransmitAsync(transmit.Request).PipeTo(Self));
        Receive<Transmitted>(transmitted =>
        {
            Context.Parent.Tell(transmitted);
            if (!transmitted.Usable) Context.Stop(Self);
        });
        Receive<Close>(_ => QuitAsync().PipeTo(Self, success: () => Closed.Instance));
        Receive<Closed>(_ => Context.Stop(Self));
        Receive<Status.Failure>(_ => Context.Stop(Self));
    }

    private async Task<object> OpenAsync()
    {
        var tried = 0;
        RemoteReply? reply = null;
        RemoteReply? signal = null;
        string? loop = null;
        StsOutcome? sts = null;
        foreach (var hop in _hops)
        {
            foreach (var address in hop.EndPoints)
            {
                if (tried++ == MaxAddressesTried) return Failed();
                var where = $"{hop.Host}[{address.Address}]:{address.Port}";
                var attempt = new StsAttempt();
                var options = OptionsFor(hop, attempt);
                try
                {
                    var session = await SmtpClientSession.ConnectAsync(address, _source.Address, options, _stopping.Token).ConfigureAwait(false);
                    if (_loops is not null && (_loops.IsOwnName(session.GreetingName) || _loops.IsOwnName(session.HelloName)))
                    {
                        loop = $"{where} greets with this node's own name ({session.GreetingName}, EHLO {session.HelloName})";
                        await session.QuitAsync(_stopping.Token).ConfigureAwait(false);
                        continue;
                    }
                    return new SessionOpened(session, hop.Host, address, StsOpened(hop, session, attempt, address));
                }
                catch (SmtpClientException e)
                {
                    reply = Replies.SessionFailure(e, where);
                    signal = e.Reply is null ? signal : Replies.From(e.Reply);
                    if (StsFailed(hop, e, attempt, address) is { } refused) (sts, reply) = (refused, StsReply(hop, where, refused, e));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    reply = new RemoteReply(451, "4.4.1", $"cannot connect to {where}: {e.Message}");
                }
            }
        }
        return Failed();

        // A next hop that is this node is skipped (as Postfix does); a loop only when no other one could even be tried.
        OpenFailed Failed() => loop is not null && reply is null
            ? new OpenFailed(new RemoteReply(554, "5.4.6", $"mail loops back to myself: {loop}"), null, Permanent: true)
            : new OpenFailed(reply ?? new RemoteReply(451, "4.4.4", "no host to connect to"), signal, Sts: sts);
    }

    private async Task QuitAsync()
    {
        using var timeout = new CancellationTokenSource(_options.Timeouts.Command);
        await _session!.QuitAsync(timeout.Token).ConfigureAwait(false);
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        if (_session is { } session)
            _ = session.DisposeAsync().AsTask().ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
    }

    public static Props Props(IReadOnlyList<NextHop> hops, EgressSource source, SmtpClientOptions options, IMessageBodyReader bodies, int maxRecipients,
        DestinationPolicy? loops = null, MtaStsPolicies? sts = null) =>
        Akka.Actor.Props.Create(() => new OutboundConnection(hops, source, options, bodies, maxRecipients, loops, sts));
}
