using ActorMta.Contracts;
namespace ActorMta.Delivery.Limits;

/// <summary>Why a domain is suspended: an operator's suspension is never lifted by a successful probe.</summary>
public enum SuspensionCause { Operator, ConnectionFailures, ReplyPattern }

/// <summary>
/// What a domain's backoff has to remember across a move, a node loss and a restart (persisted by
/// <see cref="BackoffJournal"/>): the suspension and throttle in force, how long the next suspension lasts,
/// and an operator's admin bounce (every recipient for the domain fails until <paramref name="BouncedUntil"/>).
/// </summary>
public sealed record DomainBackoffState(
    DateTimeOffset? SuspendedUntil,
    string? SuspendReason,
    SuspensionCause? SuspendCause,
    DateTimeOffset? ThrottledUntil,
    string? ThrottleReason,
    double ThrottleFactor,
    TimeSpan NextSuspension,
    IReadOnlyList<BackoffChange> RecentChanges,
    DateTimeOffset? BouncedUntil = null,
    string? BounceReason = null);

/// <summary>One change of a domain's delivery state, for the log and the status view.</summary>
/// <param name="State">active | suspended | throttled.</param>
public sealed record BackoffChange(DateTimeOffset At, string State, string Reason, DateTimeOffset? Until);

/// <summary>
/// Whether a domain is suspended or throttled, and why: fed with every connection outcome and
/// reply, it decides when the domain has pushed back enough (connection failures in a row, 421,
/// 4xx in a row, a configured reply pattern) and lifts the state again when its time is up.
/// Every change is returned to the caller (which logs it) and kept in <see cref="RecentChanges"/>.
/// </summary>
internal sealed class DomainBackoff(BackoffSettings settings)
{
    private const int RecentChangesKept = 20;
    private const double MinThrottleFactor = 0.01;

    private readonly Queue<BackoffChange> _recent = new();
    private int _connectionFailures;
    private int _deferrals;
    private TimeSpan _nextSuspension = settings.SuspendFor;

    public DateTimeOffset? SuspendedUntil { get; private set; }
    public string? SuspendReason { get; private set; }
    public SuspensionCause? SuspendCause { get; private set; }
    public DateTimeOffset? ThrottledUntil { get; private set; }
    public string? ThrottleReason { get; private set; }
    public double ThrottleFactor { get; private set; } = 1;
    public DateTimeOffset? BouncedUntil { get; private set; }
    public string? BounceReason { get; private set; }

    public IReadOnlyList<BackoffChange> RecentChanges => [.. _recent];

    public bool IsSuspended(DateTimeOffset now) => SuspendedUntil > now;

    /// <summary>Under an operator's admin bounce: every recipient for the domain fails at once.</summary>
    public bool IsBounced(DateTimeOffset now) => BouncedUntil > now;

    /// <summary>Suspended only because connections failed: a probe that connects may end it.</summary>
    public bool IsSuspendedByConnectionFailures(DateTimeOffset now) => IsSuspended(now) && SuspendCause == SuspensionCause.ConnectionFailures;

    public DomainBackoffState ToState() =>
        new(SuspendedUntil, SuspendReason, SuspendCause, ThrottledUntil, ThrottleReason, ThrottleFactor, _nextSuspension, RecentChanges, BouncedUntil, BounceReason);

    /// <summary>Takes over what an earlier incarnation of the domain's actor recorded (the counters in a row start again).</summary>
    public void Restore(DomainBackoffState state)
    {
        SuspendedUntil = state.SuspendedUntil;
        SuspendReason = state.SuspendReason;
        SuspendCause = state.SuspendCause;
        ThrottledUntil = state.ThrottledUntil;
        ThrottleReason = state.ThrottleReason;
        ThrottleFactor = state.ThrottleFactor;
        BouncedUntil = state.BouncedUntil;
        BounceReason = state.BounceReason;
        _nextSuspension = state.NextSuspension > TimeSpan.Zero ? state.NextSuspension : settings.SuspendFor;
        _recent.Clear();
        foreach (var change in state.RecentChanges.TakeLast(RecentChangesKept)) _recent.Enqueue(change);
    }

    /// <summary>The factor the domain's limits are scaled by right now (1: not throttled).</summary>
    public double FactorAt(DateTimeOffset now) => ThrottledUntil > now ? ThrottleFactor : 1;

    /// <summary>A connection could not be set up at any host (or the server refused the session).</summary>
    public BackoffChange? ConnectionFailed(DateTimeOffset now, RemoteReply reply)
    {
        if (Matched(now, reply) is { } matched) return matched;
        if (settings.SuspendAfterConnectionFailures == 0 || ++_connectionFailures < settings.SuspendAfterConnectionFailures) return null;
        var failures = _connectionFailures;
        _connectionFailures = 0;
        var duration = _nextSuspension;
        _nextSuspension = Min(_nextSuspension * 2, settings.MaxSuspend);
        return Suspend(now, now + duration, $"{failures} connection attempts in a row failed; last: {reply}", SuspensionCause.ConnectionFailures);
    }

    public void ConnectionSucceeded() => _connectionFailures = 0;

    /// <summary>A server's reply to a transaction (the one that decided it).</summary>
    public BackoffChange? Replied(DateTimeOffset now, RemoteReply reply)
    {
        if (Matched(now, reply) is { } matched) return matched;
        if (reply.Code / 100 == 2)
        {
            _deferrals = 0;
            _nextSuspension = settings.SuspendFor;
            return null;
        }
        if (reply.Code / 100 != 4) return null;
        if (reply.Code == 421 && settings.ThrottleOn421)
        {
            _deferrals = 0;
            return Throttle(now, settings.ThrottleFor, settings.ThrottleFactor, $"the server closed the connection: {reply}");
        }
        if (settings.ThrottleAfterDeferrals == 0 || ++_deferrals < settings.ThrottleAfterDeferrals) return null;
        var deferrals = _deferrals;
        _deferrals = 0;
        return Throttle(now, settings.ThrottleFor, settings.ThrottleFactor, $"{deferrals} transactions in a row deferred; last: {reply}");
    }

    public BackoffChange Suspend(DateTimeOffset now, DateTimeOffset until, string reason, SuspensionCause cause)
    {
        // A longer suspension already running is not shortened, and an operator's stays the operator's.
        if (SuspendedUntil > until) until = SuspendedUntil.Value;
        if (IsSuspended(now) && SuspendCause == SuspensionCause.Operator) cause = SuspensionCause.Operator;
        SuspendedUntil = until;
        SuspendReason = reason;
        SuspendCause = cause;
        return Record(new BackoffChange(now, "suspended", reason, until));
    }

    /// <summary>An operator's admin bounce until <paramref name="until"/> (a new one replaces the one in force).</summary>
    public BackoffChange Bounce(DateTimeOffset now, DateTimeOffset until, string reason)
    {
        BouncedUntil = until;
        BounceReason = reason;
        return Record(new BackoffChange(now, "bouncing", $"operator: {reason}", until));
    }

    /// <summary>Ends an admin bounce now (an operator's cancel); null if none was in force.</summary>
    public BackoffChange? CancelBounce(DateTimeOffset now)
    {
        if (!IsBounced(now)) return null;
        BouncedUntil = null;
        BounceReason = null;
        return Record(new BackoffChange(now, "active", "operator: admin bounce cancelled", null));
    }

    /// <summary>Lifts a suspension and a throttle now (an operator's resume).</summary>
    public BackoffChange? Resume(DateTimeOffset now, string reason)
    {
        if (SuspendedUntil is null && ThrottledUntil is null) return null;
        SuspendedUntil = null;
        SuspendReason = null;
        SuspendCause = null;
        ThrottledUntil = null;
        ThrottleReason = null;
        ThrottleFactor = 1;
        return Record(new BackoffChange(now, "active", reason, null));
    }

    /// <summary>A probe connected while the domain was suspended for failed connections: the suspension ends now (a throttle stays).</summary>
    public BackoffChange? Reachable(DateTimeOffset now, string reason)
    {
        _connectionFailures = 0;
        if (!IsSuspendedByConnectionFailures(now)) return null;
        SuspendedUntil = null;
        SuspendReason = null;
        SuspendCause = null;
        return Record(new BackoffChange(now, ThrottledUntil > now ? "throttled" : "active", reason, ThrottledUntil));
    }

    /// <summary>Lifts whatever has run out by <paramref name="now"/>; the changes, oldest first.</summary>
    public IReadOnlyList<BackoffChange> Expire(DateTimeOffset now)
    {
        List<BackoffChange>? changes = null;
        if (SuspendedUntil <= now)
        {
            SuspendedUntil = null;
            SuspendReason = null;
            SuspendCause = null;
            (changes ??= []).Add(Record(new BackoffChange(now, ThrottledUntil > now ? "throttled" : "active", "suspension over", ThrottledUntil)));
        }
        if (BouncedUntil <= now)
        {
            BouncedUntil = null;
            BounceReason = null;
            (changes ??= []).Add(Record(new BackoffChange(now, "active", "admin bounce over", null)));
        }
        if (ThrottledUntil <= now)
        {
            ThrottledUntil = null;
            ThrottleReason = null;
            ThrottleFactor = 1;
            (changes ??= []).Add(Record(new BackoffChange(now, SuspendedUntil is null ? "active" : "suspended", "throttle over: full limits again", SuspendedUntil)));
        }
        return changes ?? [];
    }

    private BackoffChange? Matched(DateTimeOffset now, RemoteReply reply)
    {
        var text = reply.ToString();
        foreach (var pattern in settings.ReplyPatterns)
        {
            if (!pattern.Match.IsMatch(text)) continue;
            var reason = $"reply matched /{pattern.Match}/: {text}";
            return pattern.Action == BackoffAction.Suspend
                ? Suspend(now, now + pattern.For, reason, SuspensionCause.ReplyPattern)
                : Throttle(now, pattern.For, pattern.Factor, reason);
        }
        return null;
    }

    private BackoffChange Throttle(DateTimeOffset now, TimeSpan duration, double factor, string reason)
    {
        // Throttles that follow one another while it lasts compound, so a domain that keeps pushing back gets slower still.
        ThrottleFactor = Math.Max(MinThrottleFactor, (ThrottledUntil > now ? ThrottleFactor : 1) * factor);
        var until = now + duration;
        if (ThrottledUntil > until) until = ThrottledUntil.Value;
        ThrottledUntil = until;
        ThrottleReason = reason;
        return Record(new BackoffChange(now, "throttled", $"limits x{ThrottleFactor:0.##}: {reason}", until));
    }

    private BackoffChange Record(BackoffChange change)
    {
        _recent.Enqueue(change);
        while (_recent.Count > RecentChangesKept) _recent.Dequeue();
        return change;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
