using System.Text.RegularExpressions;

namespace ActorMta.Delivery.Limits;

public enum BackoffAction
{
    /// <summary>Deliver nothing to the domain until the time is up; requests are answered "deferred" at once.</summary>
    Suspend,

    /// <summary>Lower the domain's limits (connections and rates times a factor) until the time is up.</summary>
    Throttle,
}

/// <summary>A reply that tells the domain to back off, e.g. "421 4.7.0 Try again later, too many connections".</summary>
/// <param name="Match">Tried against the whole reply as text: "code enhanced-code text".</param>
public sealed record ReplyPattern(Regex Match, BackoffAction Action, TimeSpan For, double Factor);

/// <summary>When a domain that pushes back is slowed down or paused, and for how long.</summary>
/// <param name="SuspendAfterConnectionFailures">Consecutive failed connection attempts (every host) before the domain is suspended; 0: never.</param>
/// <param name="SuspendFor">The first suspension; each one that follows without a success in between lasts twice as long, up to <paramref name="MaxSuspend"/>.</param>
/// <param name="ThrottleAfterDeferrals">Consecutive 4xx replies to transactions before the domain is throttled; 0: never.</param>
/// <param name="ThrottleOn421">A 421 (the server closes the connection) throttles the domain at once.</param>
/// <param name="ProbeEvery">While suspended because connections failed, one connection is tried this often and a success
/// lifts the suspension at once (zero: never; the suspension runs its course).</param>
public sealed record BackoffSettings(
    int SuspendAfterConnectionFailures,
    TimeSpan SuspendFor,
    TimeSpan MaxSuspend,
    int ThrottleAfterDeferrals,
    bool ThrottleOn421,
    double ThrottleFactor,
    TimeSpan ThrottleFor,
    IReadOnlyList<ReplyPattern> ReplyPatterns,
    TimeSpan ProbeEvery = default);
