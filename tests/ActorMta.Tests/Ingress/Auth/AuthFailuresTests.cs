using System.Net;
using ActorMta.Ingress.Auth;
using Microsoft.Extensions.Time.Testing;

namespace ActorMta.Tests.Ingress.Auth;

public sealed class AuthFailuresTests
{
    [Fact]
    public void An_address_stays_penalised_for_the_penalty_time()
    {
        var clock = new FakeTimeProvider();
        var failures = new AuthFailures(TimeSpan.FromMinutes(15), clock);
        var client = IPAddress.Parse("192.0.2.7");

        failures.Penalize(client);
        Assert.True(failures.IsPenalized(client));
        Assert.False(failures.IsPenalized(IPAddress.Parse("192.0.2.8")));

        clock.Advance(TimeSpan.FromMinutes(14));
        Assert.True(failures.IsPenalized(client));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(failures.IsPenalized(client));
    }
}
