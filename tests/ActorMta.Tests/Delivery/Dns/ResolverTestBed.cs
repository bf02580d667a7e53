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

    /// <summary>The addresses as text: records holding ImmutableArray compare it by reference, so compare the text instead.</summary>
    public static string[] Addresses(MailExchanger exchanger) => [.. exchanger.Addresses.Select(a => a.ToString())];

    public static string[] Hosts(MailExchangerResolution resolution) =>
        [.. Resolved(resolution).MailExchangers.Select(e => e.HostName)];
}
