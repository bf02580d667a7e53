using System.Net;
using ActorMta.Tests.Ingress.Support;
using Microsoft.Extensions.Time.Testing;
using static ActorMta.Tests.Ingress.Support.IngressTestBed;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>AUTH guessing is counted per client address (IPv6: per prefix) across connections, not per connection.</summary>
public sealed class AuthPenaltyTests : IngressTestKit
{
    private const string Failed = "535 5.7.8 Authentication credentials invalid";
    private const string TooMany = "421 4.7.0 mx.test Error: too many failed authentication attempts";
    private const string Penalised = "454 4.7.0 Too many failed authentication attempts from your address, try again later";

    [Fact]
    public async Task Two_guesses_on_each_of_ten_connections_from_one_address_are_refused_once_max_failures_is_reached()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.auth.max-failures = 3\nactormta.smtp.auth.failure-delay = 0s");
        var replies = new List<string>();
        for (var connection = 0; connection < 10; connection++)
        {
            await using var client = await bed.GreetedAsync(Untrusted);
            await client.SecureAsync();
            for (var guess = 0; guess < 2; guess++)
            {
                var reply = await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, $"guess {connection}.{guess}"));
                replies.Add(reply);
                if (reply == Failed && replies.Count(r => r == Failed) == 3)
                {
                    Assert.Equal(TooMany, await client.ReadReplyAsync());
                    Assert.True(await client.ClosedByServerAsync());
                    break;
                }
            }
        }

        // Connection 1: two 535s; connection 2: the third 535, then 421 and close; every later attempt: 454 without a check.
        Assert.Equal([Failed, Failed, Failed, .. Enumerable.Repeat(Penalised, 16)], replies);
        Assert.True(bed.AuthFailures.IsPenalized(Untrusted));
        Assert.Equal(16, bed.AuthFailures.Refused);
        Assert.Equal(1, bed.AuthFailures.Penalties);
    }

    [Fact]
    public async Task The_right_password_works_again_once_the_penalty_has_expired()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bed = new IngressTestBed(this, "actormta.smtp.auth.max-failures = 1\nactormta.smtp.auth.failure-delay = 0s\nactormta.smtp.auth.penalty-time = 15m",
            authClock: clock);
        await using (var guesser = await bed.GreetedAsync(Untrusted))
        {
            await guesser.SecureAsync();
            Assert.Equal(Failed, await guesser.CommandAsync("AUTH PLAIN " + PlainResponse(User, "guess")));
            Assert.Equal(TooMany, await guesser.ReadReplyAsync());
        }
        await using var client = await bed.GreetedAsync(Untrusted);
        await client.SecureAsync();
        clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(Penalised, await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, Password)));

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("235 2.7.0 Authentication successful", await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, Password)));
    }

    [Fact]
    public async Task Failures_of_one_address_do_not_penalise_another()
    {
        await using var bed = new IngressTestBed(this, "actormta.smtp.auth.max-failures = 2\nactormta.smtp.auth.failure-delay = 0s");
        await using (var guesser = await bed.GreetedAsync(Untrusted))
        {
            await guesser.SecureAsync();
            Assert.Equal(Failed, await guesser.CommandAsync("AUTH PLAIN " + PlainResponse(User, "guess 1")));
            Assert.Equal(Failed, await guesser.CommandAsync("AUTH PLAIN " + PlainResponse(User, "guess 2")));
            Assert.Equal(TooMany, await guesser.ReadReplyAsync());
        }
        Assert.True(bed.AuthFailures.IsPenalized(Untrusted));

        var neighbour = IPAddress.Parse("127.0.0.10");
        await using var client = await bed.GreetedAsync(neighbour);
        await client.SecureAsync();
        Assert.Equal(Failed, await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, "typo")));
        Assert.Equal("235 2.7.0 Authentication successful", await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, Password)));
        Assert.Equal(0, bed.AuthFailures.Refused);
    }

    [Fact]
    public async Task Auth_past_the_bound_on_password_checks_gets_454_and_no_failure_is_counted()
    {
        await using var bed = new IngressTestBed(this,
            "actormta.smtp.auth.max-parallel-verifications = 1\nactormta.smtp.auth.max-queued-verifications = 0");
        // Another check holds the node's only slot until released.
        using var release = new ManualResetEventSlim();
        var holder = bed.Credentials.Slots.RunAsync(() => release.Wait(TimeSpan.FromSeconds(30)));
        await ActorMta.TestSupport.Eventually.True(() => Task.FromResult(bed.Credentials.Slots.Admitted == 1), TimeSpan.FromSeconds(10), "the slot taken");

        await using var client = await bed.GreetedAsync(Untrusted);
        await client.SecureAsync();
        Assert.Equal("454 4.7.0 Temporary authentication failure: too many authentications in progress, try again later",
            await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, Password)));
        Assert.Equal(1, bed.Credentials.Slots.Refused);
        Assert.Equal(0, bed.AuthFailures.FailuresOf(Untrusted));

        release.Set();
        await holder;
        Assert.Equal("235 2.7.0 Authentication successful", await client.CommandAsync("AUTH PLAIN " + PlainResponse(User, Password)));
    }
}
