using System.Net;
using ActorMta.Delivery.Egress;
using ActorMta.Queue.Bodies;
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
public sealed class OutboundConnection : ReceiveActor
{
    /// <summary>Addresses tried per connection before giving up (Postfix's smtp_mx_address_limit).</summary>
    internal const int MaxAddressesTried = 5;

    private sealed record SessionOpened(SmtpClientSession Session, string Host, IPEndPoint Address);

    private sealed record Closed
    {
        public static readonly Closed Instance = new();
    }

    private readonly IReadOnlyList<NextHop> _hops;
    private readonly EgressSource _source;
    private readonly SmtpClientOptions _options;
    private readonly MessageBodyStore _bodies;
    private readonly int _maxRecipients;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _stopping = new();
    private SmtpClientSession? _session;
    private string _where = "";

    public OutboundConnection(IReadOnlyList<NextHop> hops, EgressSource source, SmtpClientOptions options, MessageBodyStore bodies, int maxRecipients)
    {
        _hops = hops;
        _source = source;
        _options = options;
        _bodies = bodies;
        _maxRecipients = maxRecipients;
        Receive<SessionOpened>(opened =>
        {
            _session = opened.Session;
            _where = $"{opened.Host}[{opened.Address.Address}]";
            Context.Parent.Tell(new Opened(opened.Host, opened.Address.ToString(), opened.Session.IsTls));
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
        foreach (var hop in _hops)
        {
            var options = _options with { ServerName = hop.Host };
            foreach (var address in hop.EndPoints)
            {
                if (tried++ == MaxAddressesTried) return new OpenFailed(reply!, signal);
                var where = $"{hop.Host}[{address.Address}]:{address.Port}";
                try
                {
                    var session = await SmtpClientSession.ConnectAsync(address, _source.Address, options, _stopping.Token).ConfigureAwait(false);
                    return new SessionOpened(session, hop.Host, address);
                }
                catch (SmtpClientException e)
                {
                    reply = Replies.SessionFailure(e, where);
                    signal = e.Reply is null ? signal : Replies.From(e.Reply);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    reply = new RemoteReply(451, "4.4.1", $"cannot connect to {where}: {e.Message}");
                }
            }
        }
        return new OpenFailed(reply ?? new RemoteReply(451, "4.4.4", "no host to connect to"), signal);
    }

    private async Task<Transmitted> TransmitAsync(DeliveryRequest request)
    {
        var session = _session!;
        var remote = session.RemoteEndPoint.ToString();
        var host = _where[.._where.IndexOf('[')];
        var results = new List<RecipientResult>(request.Recipients.Count);
        RemoteReply? signal = null;

        RecipientResult Result(DeliveryRecipient recipient, DeliveryOutcome outcome, RemoteReply reply) =>
            new(recipient.Index, outcome, reply, host, remote, session.IsTls);

        void DeferRest(RemoteReply reply)
        {
            foreach (var recipient in request.Recipients.Skip(results.Count)) results.Add(Result(recipient, DeliveryOutcome.Deferred, reply));
        }

        byte[]? body;
        try
        {
            body = await _bodies.ReadAsync(request.QueueId, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.Warning(e, "Cannot read the body of {0}", request.QueueId);
            DeferRest(new RemoteReply(451, "4.3.0", $"message body unreadable: {e.GetBaseException().Message}"));
            return new Transmitted(request, results, null, session.IsUsable);
        }
        if (body is null)
        {
            // A message completed meanwhile (a retry after a lost report delivered it): nothing to send.
            DeferRest(new RemoteReply(451, "4.3.0", "message body not in the body store (message no longer queued?)"));
            return new Transmitted(request, results, null, session.IsUsable);
        }

        try
        {
            foreach (var batch in request.Recipients.Chunk(_maxRecipients))
            {
                var message = new OutboundMessage(request.ReversePath,
                    batch.Select(r => new OutboundRecipient(r.Address, r.Notify, r.OriginalRecipient)).ToArray(),
                    body, request.BodyType, request.SmtpUtf8, request.EnvelopeId, request.Ret);
                var result = await session.SendAsync(message, _stopping.Token).ConfigureAwait(false);
                for (var i = 0; i < batch.Length; i++)
                {
                    var decisive = result.Decisive(i);
                    var reply = decisive is null ? Replies.NoReply : Replies.From(decisive);
                    results.Add(Result(batch[i], decisive is null ? DeliveryOutcome.Deferred : Replies.Outcome(result.OutcomeOf(i)), reply));
                    if (decisive is not null && (signal is null || signal.Code / 100 == 2)) signal = reply;
                }
                if (!session.IsUsable)
                {
                    DeferRest(Replies.ConnectionLost(_where, "the server closed the connection"));
                    break;
                }
            }
        }
        catch (SmtpClientException e)
        {
            var lost = e.Reply is { IsTransientFailure: true } transient ? Replies.From(transient) : Replies.ConnectionLost(_where, e.Message);
            signal = e.Reply is null ? signal : Replies.From(e.Reply);
            DeferRest(lost);
            return new Transmitted(request, results, signal, false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            DeferRest(Replies.ConnectionLost(_where, e.Message));
            return new Transmitted(request, results, signal, false);
        }
        return new Transmitted(request, results, signal, session.IsUsable);
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

    public static Props Props(IReadOnlyList<NextHop> hops, EgressSource source, SmtpClientOptions options, MessageBodyStore bodies, int maxRecipients) =>
        Akka.Actor.Props.Create(() => new OutboundConnection(hops, source, options, bodies, maxRecipients));
}
