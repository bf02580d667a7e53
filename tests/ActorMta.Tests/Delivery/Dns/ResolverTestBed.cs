using ActorMta.Delivery.Dns;
using ActorMta.TestSupport.Dns;

namespace ActorMta.Tests.Delivery.Dns;

/// <summary>Builds resolvers that ask only the test's loopback DNS server.</summary>
internal static class ResolverTestBed
{
    public static MailExchangerResolver ResolverFor(
        LoopbackDnsServer dns,
        Func<MailExchangerResolverSettings, MailExchangerResolverSettings>? adjust = null,
        TimeProvider? clock = null,
        Random? random = null)
    {
        var settings = new MailExchangerResolverSettings
        {
            NameServers = [dns.EndPoint],
            QueryTimeout = TimeSpan.FromSeconds(3),
            Retries = 0,
        };
        return new MailExchangerResolver(adjust is null ? settings : adjust(settings), clock, random);
    }

    public static MailExchangerResolution.Resolved Resolved(MailExchangerResolution resolution) =>
        Assert.IsType<MailExchangerResolution.Resolved>(resolution);

    /// <summary>Asserts a permanent failure of the given kind and status code, and returns it.</summary>
    public static MailExchangerResolution.PermanentFailure Permanent(MailExchangerResolution resolution, ResolutionFailure kind, string status)
    {
        var failure = Assert.IsType<MailExchangerResolution.PermanentFailure>(resolution);
        Assert.Equal((kind, status), (failure.Failure, failure.EnhancedStatusCode));
        return failure;
    }

    /// <summary>Asserts a temporary failure of the given kind with status 4.4.3, and returns it.</summary>
    public static MailExchangerResolution.TemporaryFailure Temporary(MailExchangerResolution resolution, ResolutionFailure kind)
    {
        var failure = Assert.IsType<MailExchangerResolution.TemporaryFailure>(resolution);
        Assert.Equal((kind, "4.4.3"), (failure.Failure, failure.EnhancedStatusCode));
        return failure;
    }

    /// <summary>The addresses as text: records holding ImmutableArray compare it by reference, so compare the text instead.</summary>
    public static string[] Addresses(MailExchanger exchanger) => [.. exchanger.Addresses.Select(a => a.ToString())];

    public static string[] Hosts(MailExchangerResolution resolution) =>
        [.. Resolved(resolution).MailExchangers.Select(e => e.HostName)];
}
