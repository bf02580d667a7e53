using System.Net;
using ActorMta.Ingress.Auth;
using ActorMta.Ingress.Policy;
using Microsoft.Extensions.Time.Testing;

namespace ActorMta.Tests.Ingress.Auth;

public sealed class AuthFailuresTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.7");
    private readonly FakeTimeProvider _clock = new();

    private AuthFailures NewTracker(int maxFailures = 3, int maxTracked = 100) =>
        new(maxFailures, TimeSpan.FromMinutes(15), maxTracked, new ClientGroups(), _clock);

    [Fact]
    public void A_client_is_penalised_at_max_failures_for_the_penalty_time()
    {
        var failures = NewTracker();

        Assert.False(failures.RecordFailure(Client));
        Assert.False(failures.RecordFailure(Client));
        Assert.False(failures.IsPenalized(Client));
        Assert.True(failures.RecordFailure(Client));
        Assert.True(failures.IsPenalized(Client));
        Assert.False(failures.IsPenalized(IPAddress.Parse("192.0.2.8")));
        Assert.Equal(1, failures.Penalties);

        _clock.Advance(TimeSpan.FromMinutes(14));
        Assert.True(failures.RefusesAuth(Client));
        Assert.Equal(1, failures.Refused);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(failures.RefusesAuth(Client));
        Assert.Equal(0, failures.FailuresOf(Client)); // a fresh start after the penalty, not one guess from the next
    }

    [Fact]
    public void Failures_older_than_the_penalty_time_are_forgiven()
    {
        var failures = NewTracker();
        failures.RecordFailure(Client);
        failures.RecordFailure(Client);

        _clock.Advance(TimeSpan.FromMinutes(15));
        Assert.False(failures.RecordFailure(Client));
        Assert.Equal(1, failures.FailuresOf(Client));
    }

    [Fact]
    public void One_ipv6_64_is_one_client()
    {
        var failures = NewTracker(maxFailures: 2);
        failures.RecordFailure(IPAddress.Parse("2001:db8:1:2::1"));

        Assert.True(failures.RecordFailure(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.True(failures.IsPenalized(IPAddress.Parse("2001:db8:1:2::abcd")));
        Assert.False(failures.IsPenalized(IPAddress.Parse("2001:db8:1:3::1")));
    }

    [Fact]
    public void Memory_is_bounded_and_the_least_recently_seen_client_is_forgotten_first()
    {
        var failures = NewTracker(maxFailures: 2, maxTracked: 3);
        var (a, b, c) = (IPAddress.Parse("198.51.100.1"), IPAddress.Parse("198.51.100.2"), IPAddress.Parse("198.51.100.3"));
        failures.RecordFailure(Client);
        failures.RecordFailure(a);
        failures.RecordFailure(b);
        failures.RecordFailure(Client); // penalised, and now the most recently seen

        failures.RecordFailure(c); // one too many: a goes

        Assert.Equal(3, failures.Tracked);
        Assert.Equal(0, failures.FailuresOf(a));
        Assert.Equal(1, failures.FailuresOf(b));
        Assert.True(failures.IsPenalized(Client));

        for (var i = 0; i < 1000; i++) failures.RecordFailure(IPAddress.Parse($"203.0.113.{i % 250}").MapToIPv6());
        Assert.Equal(3, failures.Tracked);
    }
}
