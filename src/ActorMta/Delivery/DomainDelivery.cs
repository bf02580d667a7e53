using ActorMta.Delivery.Connections;
using ActorMta.Delivery.Limits;
using ActorMta.Delivery.Routing;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using static ActorMta.Delivery.Connections.ConnectionProtocol;
using ActorMta.Contracts;

namespace ActorMta.Delivery;

/// <summary>
/// The delivery actor of one destination domain: a sharded entity, so there is exactly one per
/// domain in the fleet and its limits hold fleet-wide. It keeps the domain's ready work (a
/// bounded backlog of <see cref="DeliveryRequest"/>s) and a pool of reused connections, one
/// child actor each, per egress source; it hands the next request to an idle connection when the
/// source's message rate allows, opens connections up to the limits, and answers every request
/// with exactly one <see cref="DeliveryReport"/> well within the queue's lease. It backs off when
/// the domain pushes back. It holds nothing durable (the queue does) and stops when idle.
/// </summary>
public sealed partial class DomainDelivery : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    private sealed record Resolved(NextHops Hops);

    private sealed record Wake
    {
        public static readonly Wake Instance = new();
    }

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed record StopNow
    {
        public static readonly StopNow Instance = new();
    }

    private sealed record Waiting(DeliveryRequest Request, DateTimeOffset Since);

    /// <summary>Within akka.cluster.sharding.handoff-timeout (20s): what is still on the wire then is cut, and sent again by its partition.</summary>
    private static readonly TimeSpan HandOffDeadline = TimeSpan.FromSeconds(15);

    /// <summary>After a failed open or a DNS failure, new connections wait this long (backoff decides about longer pauses).</summary>
    private static readonly TimeSpan OpenPause = TimeSpan.FromSeconds(1);

    private readonly string _domain;
    private readonly DeliveryContext _context;
    private readonly DomainPolicy _policy;
    private readonly IActorRef _reports;
    private readonly Factory _connectionFactory;
    private readonly DomainBackoff _backoff;
    private readonly Backlog<Waiting> _backlog;
    private readonly ConnectionPool<IActorRef> _pool;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly TimeSpan _maxWait;
    private bool _resolving;
    private bool _passivating;
    private DateTimeOffset? _wakeAt;
    private DateTimeOffset _openNotBefore;
    private DateTimeOffset _lastActivity;
    private long _delivered;
    private long _deferred;
    private long _failed;

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    /// <param name="reports">Where reports go: the queue's shard region (they route back to the partition by its number).</param>
    public DomainDelivery(string domain, DeliveryContext context, IActorRef reports)
    {
        _domain = domain;
        _context = context;
        _policy = context.Settings.Domains.For(domain);
        _reports = reports;
        _backoff = new DomainBackoff(_policy.Backoff);
        _connectionFactory = RouteConnections.For(_policy, context);
        _pool = new ConnectionPool<IActorRef>(_policy.Egress, context.WarmUp, (source, hops) => Context.Watch(Context.ActorOf(_connectionFactory(hops, source.Source))),
            context.Settings.Pools?.Named);
        _backlog = new Backlog<Waiting>(waiting => _pool.PoolOf(waiting.Request));
        // A request still waiting then is answered "deferred" (the queue retries it); checked at start-up against the lease.
        _maxWait = context.Settings.MaxBacklogWait;
        _lastActivity = Now;
        _journal = Context.ActorOf(BackoffJournal.Props(domain), "backoff");
        Restoring();
    }

    /// <summary>Everything delivery does, once the backoff state recorded by earlier incarnations is back.</summary>
    private void Active()
    {
        Receive<DeliveryRequest>(OnRequest);
        Receive<FlushClaims>(_ => SendClaims());
        Receive<AnnounceReadyAgain>(_ => TellPartitionsReady());
        Receive<BackoffJournal.Restored>(_ => { });
        Receive<Resolved>(OnResolved);
        Receive<Opened>(OnOpened);
        Receive<OpenFailed>(OnOpenFailed);
        Receive<Transmitted>(OnTransmitted);
        Receive<Terminated>(OnTerminated);
        Receive<Wake>(_ =>
        {
            _wakeAt = null;
            Pump();
        });
        Receive<Tick>(_ => OnTick());
        Receive<GetStatus>(_ => Sender.Tell(Status()));
        ReceiveOperatorStates();
        Receive<HandOff>(_ => OnHandOff());
        Receive<StopNow>(_ => Context.Stop(Self));
    }

    private DateTimeOffset Now => _context.Clock.GetUtcNow();

    /// <summary>An operator's suspension, resume, retry or bounce: recorded in the persisted backoff state, also while moving.</summary>
    private void ReceiveOperatorStates()
    {
        Receive<Suspend>(suspend =>
        {
            var now = Now;
            Changed(_backoff.Suspend(now, now + suspend.For, $"operator: {suspend.Reason}", SuspensionCause.Operator));
            Pump();
            Sender.Tell(Status());
        });
        Receive<Resume>(_ => OperatorResume(announce: false));
        Receive<RetryNow>(_ => OperatorResume(announce: true));
        ReceiveAdminBounces();
    }

    /// <param name="announce">Tell the partitions even if nothing was suspended (retry now); a lifted suspension always does.</param>
    private void OperatorResume(bool announce)
    {
        var wasSuspended = _backoff.IsSuspended(Now);
        if (_backoff.Resume(Now, "operator: resumed") is { } change) Changed(change);
        if (wasSuspended || announce) AnnounceReady();
        Pump();
        Sender.Tell(Status());
    }

    protected override void PreStart()
    {
        var period = TimeSpan.FromTicks(Math.Min(_policy.Limits.IdleTimeout.Ticks / 2, _maxWait.Ticks / 4));
        period = period < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : period > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : period;
        Timers.StartPeriodicTimer("tick", Tick.Instance, period);
        Timers.StartSingleTimer("restore", RestoreTimedOut.Instance, RestoreTimeout);
    }

    private void OnRequest(DeliveryRequest request)
    {
        if (AlreadyHandled(request)) return;
        DeliveryMetrics.Domains.Observe(_domain);
        var now = Now;
        _lastActivity = now;
        Lift(now);
        if (now >= request.ExpiresAt)
            AnswerAll(request, DeliveryOutcome.Deferred, Expired);
        else if (_backoff.IsBounced(now))
            BounceRequest(request);
        else if (_backoff.IsSuspended(now))
            AnswerAll(request, DeliveryOutcome.Deferred, SuspendedReply(), _backoff.SuspendedUntil);
        else if (_passivating)
            AnswerAll(request, DeliveryOutcome.Returned, Moving);
        else if (_backlog.Count >= _context.Settings.MaxBacklog)
            AnswerAll(request, DeliveryOutcome.Deferred, new RemoteReply(451, "4.4.5", $"{_domain} busy: {_backlog.Count} messages already waiting for a connection"));
        else
        {
            _backlog.Enqueue(new Waiting(request, now));
            Hold(request);
            Pump();
        }
    }

    /// <summary>Hands waiting work to idle connections as the rates allow, and opens connections for the rest as the limits allow.</summary>
    private void Pump()
    {
        var now = Now;
        Lift(now);
        if (_backoff.IsSuspended(now))
        {
            DeferWaiting(SuspendedReply(), _backoff.SuspendedUntil);
            ProbeIfDue(now);
            return;
        }
        var limits = CurrentLimits(now);
        var wake = _pool.Assign(now, limits, () => _backlog.Count > 0, match => NextWaiting(now, match), (connection, request) => connection.Connection.Tell(new Transmit(request)));
        if (_backlog.Count > 0 && !_resolving) wake = RateLimiter.Earliest(wake, OpenConnections(now, limits, null));
        ScheduleWake(wake, now);
    }

    /// <summary>
    /// Opens connections for the waiting work that no opening connection will take (the pool chooses the
    /// sources). Without <paramref name="hops"/> it only starts resolving the route.
    /// </summary>
    /// <returns>When the new-connection rate allows the next one, if that is what stopped it.</returns>
    private DateTimeOffset? OpenConnections(DateTimeOffset now, DomainLimits limits, IReadOnlyList<NextHop>? hops)
    {
        // Right after a failure, no new attempt at once: a domain that keeps failing fast would otherwise spin.
        if (_backlog.Count > _pool.OpeningCount && now < _openNotBefore) return _openNotBefore;
        var opening = _pool.OpenFor(_backlog.ByPool, now, limits, hops);
        foreach (var capped in opening.AllCapped ?? []) WaitForWarmUp(capped);
        if (opening.NeedsRoute)
        {
            _resolving = true;
            MtaStsRouting.ResolveAsync(_domain, _policy, _context, CancellationToken.None).PipeTo(Self, success: found => new Resolved(found));
        }
        if (opening.Opened > 0) DeliveryMetrics.Connections(Self, _domain, _pool.Count);
        return opening.Wake;
    }

    private void OnResolved(Resolved resolved)
    {
        _resolving = false;
        var probing = _probing;
        _probing = false;
        var now = Now;
        switch (resolved.Hops)
        {
            case NextHops.NotFound { Permanent: true } notFound:
                _log.Info("Domain {0}: {1}; failing {2} waiting message(s) without connecting", _domain, notFound.Reply, _backlog.Count);
                while (NextWaiting(now) is { } request) AnswerAll(request, DeliveryOutcome.Failed, notFound.Reply);
                break;
            case NextHops.NotFound notFound:
                _openNotBefore = now + OpenPause;
                if (LiveConnections == 0) DeferWaiting(notFound.Reply, null, notFound.Sts);
                break;
            case NextHops.Found found when probing:
                if (_pool.Count == 0)
                {
                    _pool.OpenProbe(found.Hops, now);
                    DeliveryMetrics.Connections(Self, _domain, _pool.Count);
                }
                break;
            case NextHops.Found found:
                ScheduleWake(OpenConnections(now, CurrentLimits(now), found.Hops), now);
                break;
        }
        Pump();
    }

    private void OnOpened(Opened opened)
    {
        if (!_pool.TryGet(Sender, out var connection)) return;
        connection.State = ConnectionState.Idle;
        connection.Host = opened.Host;
        connection.Address = opened.Address;
        connection.Tls = opened.Tls;
        connection.Sts = opened.Sts;
        connection.IdleSince = Now;
        _backoff.ConnectionSucceeded();
        if (_backoff.Reachable(Now, $"{opened.Host} answers again") is { } change)
        {
            Changed(change);
            AnnounceReady();
        }
        Pump();
    }

    private void OnOpenFailed(OpenFailed failed)
    {
        if (!_pool.TryGet(Sender, out var connection)) return;
        connection.State = ConnectionState.Closing;
        var now = Now;
        if (failed.Permanent)
        {
            // Every next hop turned out to be this node (a mail loop): nothing to retry, the domain is not unwell.
            _log.Warning("Domain {0}: {1}; failing {2} waiting message(s)", _domain, failed.Reply, _backlog.Count);
            while (NextWaiting(now) is { } request) AnswerAll(request, DeliveryOutcome.Failed, failed.Reply);
            Pump();
            return;
        }
        _openNotBefore = now + OpenPause;
        _log.Info("Domain {0}: no connection from {1}: {2}", _domain, connection.Source.Source, failed.Reply);
        // A failed probe leaves the suspension as it is (neither longer nor counted).
        if (!_backoff.IsSuspended(now) && _backoff.ConnectionFailed(now, failed.Signal ?? failed.Reply) is { } change) Changed(change);
        // Nothing else can carry the waiting work now: the queue tries again on its schedule.
        if (LiveConnections == 0) DeferWaiting(failed.Reply, _backoff.SuspendedUntil, failed.Sts);
        Pump();
    }

    private void OnTransmitted(Transmitted transmitted)
    {
        if (Settle(transmitted) is not { } connection) return;
        var now = Now;
        if (connection.State == ConnectionState.Closing)
        {
            // Unusable: it is closing by itself.
        }
        else if (connection.Transactions >= CurrentLimits(now).MaxMessagesPerConnection || _backoff.IsSuspended(now))
        {
            CloseConnection(connection);
        }
        else
        {
            connection.State = ConnectionState.Idle;
            connection.IdleSince = now;
        }
        Pump();
    }

    /// <summary>A connection finished a transaction: its results are reported and the domain's backoff hears the reply.</summary>
    private ConnectionSlot<IActorRef>? Settle(Transmitted transmitted)
    {
        if (!_pool.TryGet(Sender, out var connection)) return null;
        connection.Carrying = null;
        connection.Transactions++;
        Report(transmitted.Request, transmitted.Results, connection.Source.Source.Name, sts: connection.Sts);
        if (transmitted.Signal is { } signal && _backoff.Replied(Now, signal) is { } change) Changed(change);
        if (!transmitted.Usable) connection.State = ConnectionState.Closing;
        return connection;
    }

    private void OnTerminated(Terminated terminated)
    {
        Forget(terminated);
        Pump();
    }

    /// <summary>A connection stopped: what it carried goes back to its partition as deferred.</summary>
    private void Forget(Terminated terminated)
    {
        if (_pool.Remove(terminated.ActorRef) is not { } connection) return;
        DeliveryMetrics.Connections(Self, _domain, _pool.Count);
        if (connection.Carrying is { } request)
            AnswerAll(request, DeliveryOutcome.Deferred, Replies.ConnectionLost(connection.Host ?? _domain, "the connection stopped"));
    }

    private void OnTick()
    {
        var now = Now;
        Lift(now);
        var limits = CurrentLimits(now);
        foreach (var connection in _pool.IdleFor(now, limits.IdleTimeout)) CloseConnection(connection);
        while (_backlog.TryPeek(out var oldest) && now - oldest.Since >= _maxWait)
        {
            _backlog.Dequeue();
            AnswerAll(oldest.Request, DeliveryOutcome.Deferred, new RemoteReply(451, "4.4.5", $"{_domain} busy: no connection free within {_maxWait.TotalSeconds:0}s"));
        }
        Pump();
        if (_backlog.Count > 0 || _pool.Count > 0) _lastActivity = now;
        // Backoff state lives only here: an actor that is backing off must not forget it by stopping.
        var backingOff = _backoff.SuspendedUntil is not null || _backoff.ThrottledUntil is not null || _backoff.BouncedUntil is not null;
        if (!_passivating && !backingOff && now - _lastActivity >= _context.Settings.PassivateAfter)
        {
            _passivating = true;
            Context.Parent.Tell(new Passivate(StopNow.Instance));
        }
    }

    private static void CloseConnection(ConnectionSlot<IActorRef> connection)
    {
        connection.State = ConnectionState.Closing;
        connection.Connection.Tell(Close.Instance);
    }

    private int LiveConnections => _pool.Live;

    private DomainLimits CurrentLimits(DateTimeOffset now) => _policy.Limits.Scaled(_backoff.FactorAt(now));

    private void Lift(DateTimeOffset now)
    {
        foreach (var change in _backoff.Expire(now)) Changed(change);
    }

    private void Changed(BackoffChange change)
    {
        _log.Info("Domain {0}: {1}{2} ({3})", _domain, change.State, change.Until is { } until ? $" until {until:u}" : "", change.Reason);
        _journal.Tell(new BackoffJournal.Record(_backoff.ToState()));
    }

    private void ScheduleWake(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } due) return;
        if (_wakeAt is { } armed && armed <= due && armed > now) return;
        _wakeAt = due;
        Timers.StartSingleTimer("wake", Wake.Instance, due > now ? due - now : TimeSpan.Zero);
    }


    public static Props Props(string domain, DeliveryContext context, IActorRef reports) =>
        Akka.Actor.Props.Create(() => new DomainDelivery(domain, context, reports));
}
