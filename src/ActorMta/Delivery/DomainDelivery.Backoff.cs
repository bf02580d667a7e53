using ActorMta.Delivery.Limits;
using ActorMta.Delivery.Routing;
using Akka.Actor;
using Akka.Event;

namespace ActorMta.Delivery;

/// <summary>
/// The domain's backoff outlives its actor: a new incarnation (after a move, a node's loss or a
/// restart) first takes back what the last one recorded, and only then delivers. A domain
/// suspended because its next hop refused connections probes it and resumes when it answers.
/// </summary>
public sealed partial class DomainDelivery
{
    private sealed record RestoreTimedOut
    {
        public static readonly RestoreTimedOut Instance = new();
    }

    /// <summary>A journal that does not answer must not hold the domain's mail back for long: then it starts afresh.</summary>
    private static readonly TimeSpan RestoreTimeout = TimeSpan.FromSeconds(15);

    private readonly IActorRef _journal;
    private DateTimeOffset _nextProbe = DateTimeOffset.MinValue;
    private bool _probing;

    private void Restoring()
    {
        Receive<BackoffJournal.Restored>(restored =>
        {
            if (restored.State is { } state)
            {
                _backoff.Restore(state);
                if (state.SuspendedUntil is { } until)
                    _log.Info("Domain {0}: suspended until {1:u} as recorded ({2})", _domain, until, state.SuspendReason);
            }
            BecomeActive();
        });
        Receive<RestoreTimedOut>(_ =>
        {
            _log.Warning("Domain {0}: the journal did not give back its backoff state within {1}; starting without it", _domain, RestoreTimeout);
            BecomeActive();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void BecomeActive()
    {
        Timers.Cancel("restore");
        Become(Active);
        Lift(Now);
        // An admin bounce recorded by an earlier incarnation: the partitions may not have heard of it yet.
        if (_backoff.IsBounced(Now)) AnnounceReady();
        Stash.UnstashAll();
    }

    /// <summary>While suspended for failed connections, one connection now and then: if it opens, the suspension ends.</summary>
    private void ProbeIfDue(DateTimeOffset now)
    {
        var every = _policy.Backoff.ProbeEvery;
        if (every <= TimeSpan.Zero || !_backoff.IsSuspendedByConnectionFailures(now)) return;
        if (now < _nextProbe || _pool.Count > 0 || _resolving || _passivating) return;
        _nextProbe = now + every;
        _probing = true;
        _resolving = true;
        NextHops.ResolveAsync(_domain, _policy.Route, _context.Resolver, _context.Destinations, CancellationToken.None).PipeTo(Self, success: found => new Resolved(found));
    }
}
