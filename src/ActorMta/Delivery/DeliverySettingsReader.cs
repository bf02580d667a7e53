using System.Collections.Immutable;
using System.Net;
using System.Text.RegularExpressions;
using ActorMta.Configuration;
using ActorMta.Delivery.Dns;
using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Limits;
using ActorMta.Delivery.Log;
using ActorMta.Delivery.Routing;
using ActorMta.Smtp.Client;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using static ActorMta.Configuration.SettingsReader;

namespace ActorMta.Delivery;

/// <summary>
/// Reads actormta.delivery: the defaults, the per-domain entries (each one merged over the
/// defaults), egress sources, the smarthost, DNS, timeouts and the delivery log. Every error
/// names the full setting path, e.g. actormta.delivery.domains."example.com".max-connections.
/// </summary>
internal static partial class DeliverySettingsReader
{
    private const string Root = "actormta.delivery";

    private static readonly Dictionary<string, TlsPolicy> TlsPolicies = new()
    {
        ["none"] = TlsPolicy.None,
        ["opportunistic"] = TlsPolicy.Opportunistic,
        ["required"] = TlsPolicy.Required,
        ["implicit"] = TlsPolicy.Implicit,
    };

    private static readonly Dictionary<string, string> Routes = new() { ["mx"] = "mx", ["static"] = "static", ["smarthost"] = "smarthost", ["maildir"] = "maildir" };

    private static readonly Dictionary<string, BackoffAction> Actions = new() { ["suspend"] = BackoffAction.Suspend, ["throttle"] = BackoffAction.Throttle };

    private static readonly Dictionary<string, AddressFamilyPreference> AddressPreferences = new()
    {
        ["prefer-ipv4"] = AddressFamilyPreference.PreferIPv4,
        ["prefer-ipv6"] = AddressFamilyPreference.PreferIPv6,
        ["ipv4-only"] = AddressFamilyPreference.IPv4Only,
        ["ipv6-only"] = AddressFamilyPreference.IPv6Only,
    };

    private sealed record Context(IReadOnlyDictionary<string, EgressSource> Sources, int MxPort, Config Smarthost, string DataDirectory)
    {
        public IReadOnlyDictionary<string, EgressPool> Pools { get; init; } = new Dictionary<string, EgressPool>();
    }

    public static DeliverySettings Read(SettingsReader settings, NodeSettings node)
    {
        var sources = ReadSources(settings, node);
        var context = new Context(
            sources,
            settings.Port($"{Root}.mx-port"),
            settings.Root.GetConfig($"{Root}.smarthost") ?? Config.Empty,
            node.DataDirectory) { Pools = ReadPools(settings, sources) };
        var defaults = settings.Root.GetConfig($"{Root}.defaults") ?? throw new SettingException($"{Root}.defaults", null, "an object of route and limit settings");
        var entries = new List<DomainPolicy>();
        foreach (var (key, value) in Objects(settings.Root, $"{Root}.domains"))
        {
            var path = $"{Root}.domains.{Hocon.Quote(key)}";
            var pattern = DomainPattern.TryParse(key) ?? throw new SettingException(path, key, "a domain (example.com, [192.0.2.1]) or a wildcard (*.example.com)");
            var entry = ObjectConfig(value, path);
            entries.Add(ReadPolicy(new Scoped(entry.WithFallback(defaults), path), entry, pattern, context)
                with { Path = path, Keys = value.GetObject().Items.Keys.ToHashSet(StringComparer.Ordinal) });
        }

        return new DeliverySettings(
            node.Hostname,
            new DomainPolicies(ReadPolicy(new Scoped(defaults, $"{Root}.defaults"), Config.Empty, null, context), entries),
            ReadDns(settings),
            ReadTimeouts(settings),
            ReadLog(settings, node),
            settings.Int($"{Root}.max-backlog", 1),
            settings.Duration($"{Root}.passivate-after", TimeSpan.FromSeconds(1)),
            settings.Int($"{Root}.shards", 1, 10_000),
            settings.Duration($"{Root}.max-backlog-wait", TimeSpan.FromMilliseconds(100)),
            ReadDestinations(settings),
            Sts.MtaStsSettings.From(settings, node.DataDirectory),
            new EgressPools([.. sources.Values], context.Pools, ReadWarmUp(settings, node, sources), ReadPoolChoice(settings, context.Pools)));
    }

    private static DestinationSettings ReadDestinations(SettingsReader settings)
    {
        var path = $"{Root}.allowed-destination-networks";
        var networks = settings.List(path).Select(text => IPNetwork.TryParse(text.Trim(), out var network)
            ? network
            : throw new SettingException(path, text, "a list of networks in CIDR form (10.1.0.0/16, fd00::/8)")).ToArray();
        return new DestinationSettings(settings.Bool($"{Root}.allow-private-destinations"), networks);
    }

    private static DomainPolicy ReadPolicy(Scoped policy, Config entry, DomainPattern? pattern, Context context)
    {
        var route = ReadRoute(policy, entry, context);
        var limits = new DomainLimits(
            policy.Read(r => r.Int("max-connections", 1, 10_000)),
            policy.Read(r => r.Double("max-messages-per-second", 0, 1_000_000)),
            policy.Read(r => r.Double("max-new-connections-per-second", 0, 1_000_000)),
            policy.Read(r => r.Int("max-messages-per-connection", 1)),
            policy.Read(r => r.Int("max-recipients-per-transaction", 1, 10_000)),
            policy.Read(r => r.Duration("idle-timeout", TimeSpan.FromMilliseconds(100))));
        return new DomainPolicy(pattern, route, limits, ReadEgress(policy, entry, context), ReadBackoff(policy));
    }

    private static DeliveryRoute ReadRoute(Scoped policy, Config entry, Context context)
    {
        switch (policy.Read(r => r.OneOf("route", Routes)))
        {
            case "mx":
                return new DeliveryRoute.Mx(context.MxPort, policy.Read(r => r.OneOf("tls", TlsPolicies)), policy.Read(r => r.Bool("verify-certificate")));
            case "static":
                var hosts = policy.Read(r => r.List("hosts"));
                if (hosts.Count == 0) throw policy.Error("hosts", "a non-empty list of host or host:port for a static route");
                var parsed = hosts.Select(h => HostAndPort.TryParse(h, 25) ?? throw policy.Error("hosts", "a list of host or host:port ([::1]:25 for IPv6)")).ToArray();
                return new DeliveryRoute.Relay("static", parsed, policy.Read(r => r.OneOf("tls", TlsPolicies)), policy.Read(r => r.Bool("verify-certificate")), null);
            case "smarthost":
                return ReadSmarthost(policy, entry, context);
            default:
                var directory = policy.Read(r => r.String("directory", allowEmpty: false));
                return new DeliveryRoute.Maildir(Path.GetFullPath(Path.Combine(context.DataDirectory, directory)));
        }
    }

    /// <summary>A smarthost: each setting from the domain's entry when it gives one, else from actormta.delivery.smarthost.</summary>
    private static DeliveryRoute.Relay ReadSmarthost(Scoped policy, Config entry, Context context)
    {
        Scoped From(string key) => entry.HasPath(key) ? policy : new Scoped(context.Smarthost, $"{Root}.smarthost");
        var address = From("address").Read(r => r.String("address"));
        var host = HostAndPort.TryParse(address, 587) ?? throw From("address").Error("address", "host:port of the smarthost (e.g. smtp.gmail.com:587)");
        var tls = From("tls").Read(r => r.OneOf("tls", TlsPolicies));
        var user = From("username").Read(r => r.String("username"));
        var password = From("password").Read(r => r.String("password"));
        NetworkCredential? credentials = null;
        if (user.Length > 0)
        {
            if (tls == TlsPolicy.None || tls == TlsPolicy.Opportunistic)
                throw From("tls").Error("tls", "required | implicit when a username is set (credentials are sent only over TLS)");
            credentials = new NetworkCredential(user, password);
        }
        return new DeliveryRoute.Relay("smarthost", [host], tls, From("verify-certificate").Read(r => r.Bool("verify-certificate")), credentials);
    }

    private static BackoffSettings ReadBackoff(Scoped policy)
    {
        var patterns = new List<ReplyPattern>();
        if (policy.Config.HasPath("reply-patterns"))
        {
            var list = policy.Config.GetValue("reply-patterns");
            // Akka's HOCON does not call an empty list an array.
            if (!list.IsArray() && (list.IsString() || list.IsObject() || list.GetArray().Count > 0)) throw policy.Error("reply-patterns", "a list of { match = regex, action = suspend | throttle, for = duration, factor = 0.5 }");
            var items = list.GetArray();
            for (var i = 0; i < items.Count; i++)
            {
                var item = new Scoped(ObjectConfig(items[i], $"{policy.Path}.reply-patterns.{i}"), $"{policy.Path}.reply-patterns.{i}");
                var text = item.Read(r => r.String("match", allowEmpty: false));
                Regex regex;
                try
                {
                    regex = new Regex(text, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
                }
                catch (ArgumentException e)
                {
                    throw item.Error("match", $"a regular expression ({e.Message})");
                }
                var action = item.Read(r => r.OneOf("action", Actions));
                var duration = item.Config.HasPath("for") ? item.Read(r => r.Duration("for", TimeSpan.FromMilliseconds(100))) : TimeSpan.FromMinutes(10);
                var factor = item.Config.HasPath("factor") ? item.Read(r => r.Double("factor", 0.01, 1)) : 0.5;
                patterns.Add(new ReplyPattern(regex, action, duration, factor));
            }
        }
        var backoff = new Scoped(policy.Config.GetConfig("backoff") ?? Config.Empty, $"{policy.Path}.backoff");
        return new BackoffSettings(
            backoff.Read(r => r.Int("suspend-after-connection-failures", 0)),
            backoff.Read(r => r.Duration("suspend-for", TimeSpan.FromMilliseconds(100))),
            backoff.Read(r => r.Duration("max-suspend", TimeSpan.FromMilliseconds(100))),
            backoff.Read(r => r.Int("throttle-after-deferrals", 0)),
            backoff.Read(r => r.Bool("throttle-on-421")),
            backoff.Read(r => r.Double("throttle-factor", 0.01, 1)),
            backoff.Read(r => r.Duration("throttle-for", TimeSpan.FromMilliseconds(100))),
            patterns,
            backoff.Read(r => r.Duration("probe-every")));
    }

    private static Dictionary<string, EgressSource> ReadSources(SettingsReader settings, NodeSettings node)
    {
        var sources = new Dictionary<string, EgressSource>(StringComparer.Ordinal);
        foreach (var (name, value) in Objects(settings.Root, $"{Root}.egress-sources"))
        {
            var path = $"{Root}.egress-sources.{Hocon.Quote(name)}";
            var source = new Scoped(ObjectConfig(value, path), path);
            var addressText = source.Read(r => r.String("address"));
            IPAddress? address = null;
            if (addressText.Length > 0 && !IPAddress.TryParse(addressText, out address))
                throw source.Error("address", "an IPv4 or IPv6 address of this host, or \"\" to let the system choose");
            var ehlo = source.Read(r => r.String("ehlo-name"));
            if (ehlo.Length == 0) ehlo = node.Hostname;
            else if (Uri.CheckHostName(ehlo) != UriHostNameType.Dns) throw source.Error("ehlo-name", "a host name (e.g. mta1.example.com)");
            sources[name] = new EgressSource(name, address, ehlo);
        }
        if (sources.Count == 0) throw new SettingException($"{Root}.egress-sources", null, "at least one egress source");
        return sources;
    }

    private static MailExchangerResolverSettings ReadDns(SettingsReader settings)
    {
        var path = $"{Root}.dns.servers";
        var servers = settings.List(path).Select(s =>
        {
            var server = HostAndPort.TryParse(s, 53);
            return server is not null && IPAddress.TryParse(server.Host, out var address)
                ? new IPEndPoint(address, server.Port)
                : throw new SettingException(path, s, "a list of name server addresses as ip or ip:port ([::1]:53 for IPv6)");
        }).ToImmutableArray();
        return new MailExchangerResolverSettings
        {
            NameServers = servers,
            QueryTimeout = settings.Duration($"{Root}.dns.query-timeout", TimeSpan.FromMilliseconds(100)),
            Retries = settings.Int($"{Root}.dns.retries", 0, 10),
            AddressPreference = settings.OneOf($"{Root}.dns.address-preference", AddressPreferences),
            MaxMailExchangers = settings.Int($"{Root}.dns.max-mx-hosts", 1, 100),
            MaxCachedDomains = settings.Int($"{Root}.dns.cache-size", 1),
        };
    }

    private static SmtpClientTimeouts ReadTimeouts(SettingsReader settings) => new()
    {
        Connect = settings.Duration($"{Root}.timeouts.connect", TimeSpan.FromMilliseconds(100)),
        Greeting = settings.Duration($"{Root}.timeouts.greeting", TimeSpan.FromMilliseconds(100)),
        Command = settings.Duration($"{Root}.timeouts.command", TimeSpan.FromMilliseconds(100)),
        DataInitiation = settings.Duration($"{Root}.timeouts.data-initiation", TimeSpan.FromMilliseconds(100)),
        DataBlock = settings.Duration($"{Root}.timeouts.data-block", TimeSpan.FromMilliseconds(100)),
        DataTermination = settings.Duration($"{Root}.timeouts.data-termination", TimeSpan.FromMilliseconds(100)),
    };

    private static DeliveryLogSettings ReadLog(SettingsReader settings, NodeSettings node)
    {
        var file = settings.String($"{Root}.log.file");
        return new DeliveryLogSettings(
            file.Length == 0 ? null : Path.GetFullPath(Path.Combine(node.DataDirectory, file)),
            settings.Bool($"{Root}.log.logger"),
            Classification.BounceClassificationSettings.From(settings, node.DataDirectory));
    }

    /// <summary>Settings below one path, read with relative keys; errors name the full path.</summary>
    private sealed record Scoped(Config Config, string Path)
    {
        private readonly SettingsReader _reader = new(Config);

        public T Read<T>(Func<SettingsReader, T> read)
        {
            try
            {
                return read(_reader);
            }
            catch (SettingException e)
            {
                throw new SettingException($"{Path}.{e.Path}", e.Value, e.Expected);
            }
        }

        public SettingException Error(string key, string expected) => new($"{Path}.{key}", _reader.Raw(key), expected);
    }
}
