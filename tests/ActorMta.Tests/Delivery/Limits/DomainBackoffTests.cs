using System.Text.RegularExpressions;
using ActorMta.Delivery;
using ActorMta.Delivery.Limits;
using ActorMta.Contracts;

namespace ActorMta.Tests.Delivery.Limits;

public sealed class DomainBackoffTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly RemoteReply Refused = new(451, "4.4.1", "cannot connect to mx.example[192.0.2.1]:25: Connection refused");
    private static readonly RemoteReply Ok = new(250, "2.0.0", "Ok");

    private static BackoffSettings Settings(params ReplyPattern[] patterns) =>
        new(3, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(3), 4, true, 0.5, TimeSpan.FromMinutes(5), patterns);

    [Fact]
    public void Repeated_connection_failures_suspend_the_domain_for_longer_each_time_until_a_success()
    {
        var backoff = new DomainBackoff(Settings());
        Assert.Null(backoff.ConnectionFailed(Start, Refused));
        Assert.Null(backoff.ConnectionFailed(Start, Refused));
        var first = backoff.ConnectionFailed(Start, Refused);

        Assert.Equal(("suspended", Start + TimeSpan.FromMinutes(1)), (first!.State, first.Until));
        Assert.Contains("3 connection attempts in a row failed", first.Reason);
        Assert.True(backoff.IsSuspended(Start + TimeSpan.FromSeconds(59)));

        var resumed = Assert.Single(backoff.Expire(Start + TimeSpan.FromMinutes(1)));
        Assert.Equal("active", resumed.State);
        Assert.False(backoff.IsSuspended(Start + TimeSpan.FromMinutes(1)));

        var later = Start + TimeSpan.FromMinutes(2);
        backoff.ConnectionFailed(later, Refused);
        backoff.ConnectionFailed(later, Refused);
        Assert.Equal(later + TimeSpan.FromMinutes(2), backoff.ConnectionFailed(later, Refused)!.Until);
        backoff.Expire(later + TimeSpan.FromMinutes(2));
        backoff.ConnectionFailed(later, Refused);
        backoff.ConnectionFailed(later, Refused);
        Assert.Equal(later + TimeSpan.FromMinutes(3), backoff.ConnectionFailed(later, Refused)!.Until); // capped by max-suspend

        // A delivered message resets the escalation; a successful connection resets the count.
        backoff.Expire(later + TimeSpan.FromMinutes(3));
        Assert.Null(backoff.Replied(later, Ok));
        backoff.ConnectionFailed(later, Refused);
        backoff.ConnectionSucceeded();
        backoff.ConnectionFailed(later, Refused);
        Assert.Null(backoff.ConnectionFailed(later, Refused));
        Assert.Equal(later + TimeSpan.FromMinutes(1), backoff.ConnectionFailed(later, Refused)!.Until);
    }

    [Fact]
    public void A_421_throttles_at_once_and_throttles_compound_until_they_run_out()
    {
        var backoff = new DomainBackoff(Settings());
        var change = backoff.Replied(Start, new RemoteReply(421, "4.7.0", "Too many connections, closing"));

        Assert.Equal("throttled", change!.State);
        Assert.Equal(0.5, backoff.FactorAt(Start));
        backoff.Replied(Start + TimeSpan.FromMinutes(1), new RemoteReply(421, null, "Service not available"));
        Assert.Equal(0.25, backoff.FactorAt(Start + TimeSpan.FromMinutes(1)));
        Assert.Equal(Start + TimeSpan.FromMinutes(6), backoff.ThrottledUntil);

        var restored = Assert.Single(backoff.Expire(Start + TimeSpan.FromMinutes(6)));
        Assert.Equal("active", restored.State);
        Assert.Equal(1, backoff.FactorAt(Start + TimeSpan.FromMinutes(6)));
        Assert.Equal(["throttled", "throttled", "active"], backoff.RecentChanges.Select(c => c.State));
    }

    [Fact]
    public void Deferrals_in_a_row_throttle_and_a_success_in_between_starts_the_count_again()
    {
        var backoff = new DomainBackoff(Settings());
        var busy = new RemoteReply(451, "4.3.0", "Try again later");
        for (var i = 0; i < 3; i++) Assert.Null(backoff.Replied(Start, busy));
        Assert.Null(backoff.Replied(Start, Ok));
        for (var i = 0; i < 3; i++) Assert.Null(backoff.Replied(Start, busy));
        Assert.Equal("throttled", backoff.Replied(Start, busy)!.State);
        // 5xx says nothing about load.
        Assert.Null(backoff.Replied(Start, new RemoteReply(550, "5.1.1", "No such user")));
    }

    [Fact]
    public void A_matching_reply_pattern_takes_its_configured_action()
    {
        var suspend = new ReplyPattern(new Regex("^421 .*rate limit", RegexOptions.IgnoreCase), BackoffAction.Suspend, TimeSpan.FromSeconds(2), 0.5);
        var backoff = new DomainBackoff(Settings(suspend));

        var change = backoff.Replied(Start, new RemoteReply(421, "4.7.28", "Rate limit exceeded, come back later"));

        Assert.Equal(("suspended", Start + TimeSpan.FromSeconds(2)), (change!.State, change.Until));
        Assert.Contains("421 4.7.28 Rate limit exceeded", change.Reason);
        Assert.Equal(1, backoff.FactorAt(Start)); // the pattern replaced the default 421 throttle
        // Also for a refused session: the greeting is a reply too.
        var other = new DomainBackoff(Settings(suspend));
        Assert.Equal("suspended", other.ConnectionFailed(Start, new RemoteReply(421, null, "rate limit"))!.State);
    }

    [Fact]
    public void An_operator_resume_lifts_suspension_and_throttle()
    {
        var backoff = new DomainBackoff(Settings());
        backoff.Suspend(Start, Start + TimeSpan.FromHours(1), "operator: maintenance", SuspensionCause.Operator);
        backoff.Replied(Start, new RemoteReply(421, null, "closing"));

        Assert.Equal("active", backoff.Resume(Start, "operator: resumed")!.State);
        Assert.False(backoff.IsSuspended(Start));
        Assert.Equal(1, backoff.FactorAt(Start));
        Assert.Null(backoff.Resume(Start, "again"));
    }

    [Fact]
    public void A_probe_that_connects_ends_a_suspension_for_failed_connections_but_not_an_operators()
    {
        var backoff = new DomainBackoff(Settings());
        for (var i = 0; i < 3; i++) backoff.ConnectionFailed(Start, Refused);
        Assert.True(backoff.IsSuspendedByConnectionFailures(Start));
        var reachable = backoff.Reachable(Start + TimeSpan.FromSeconds(10), "mx answers again");
        Assert.Equal("active", reachable!.State);
        Assert.False(backoff.IsSuspended(Start + TimeSpan.FromSeconds(10)));

        var byOperator = new DomainBackoff(Settings());
        byOperator.Suspend(Start, Start + TimeSpan.FromHours(1), "operator: maintenance", SuspensionCause.Operator);
        // A later automatic suspension does not turn the operator's into one a probe may lift.
        byOperator.Suspend(Start, Start + TimeSpan.FromHours(2), "3 connection attempts in a row failed", SuspensionCause.ConnectionFailures);
        Assert.False(byOperator.IsSuspendedByConnectionFailures(Start));
        Assert.Null(byOperator.Reachable(Start, "mx answers again"));
        Assert.True(byOperator.IsSuspended(Start + TimeSpan.FromMinutes(90)));
    }

    [Fact]
    public void Its_state_restored_in_a_new_incarnation_keeps_suspension_throttle_and_the_next_suspension_length()
    {
        var backoff = new DomainBackoff(Settings());
        for (var i = 0; i < 3; i++) backoff.ConnectionFailed(Start, Refused);
        backoff.Replied(Start, new RemoteReply(421, null, "closing"));

        var restored = new DomainBackoff(Settings());
        restored.Restore(backoff.ToState());

        Assert.Equal(backoff.ToState() with { RecentChanges = [] }, restored.ToState() with { RecentChanges = [] });
        Assert.Equal(backoff.RecentChanges, restored.RecentChanges);
        Assert.True(restored.IsSuspendedByConnectionFailures(Start + TimeSpan.FromSeconds(59)));
        Assert.Equal(0.5, restored.FactorAt(Start));
        // The next suspension after this one lasts twice as long, as it would have without the move.
        restored.Expire(Start + TimeSpan.FromMinutes(1));
        for (var i = 0; i < 2; i++) Assert.Null(restored.ConnectionFailed(Start + TimeSpan.FromMinutes(1), Refused));
        Assert.Equal(Start + TimeSpan.FromMinutes(3), restored.ConnectionFailed(Start + TimeSpan.FromMinutes(1), Refused)!.Until);
    }

    [Fact]
    public void Throttled_limits_scale_connections_and_rates_but_keep_one_connection()
    {
        var limits = new DomainLimits(5, 20, 4, 100, 100, TimeSpan.FromSeconds(5));
        Assert.Equal(new DomainLimits(2, 10, 2, 100, 100, TimeSpan.FromSeconds(5)), limits.Scaled(0.5));
        Assert.Equal(1, limits.Scaled(0.01).MaxConnections);
        Assert.Same(limits, limits.Scaled(1));
    }
}
