using ActorMta.Configuration;
using ActorMta.Contracts;
using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Routing;
using Akka.Configuration;
using static ActorMta.Configuration.SettingsReader;

namespace ActorMta.Delivery;

/// <summary>Egress pools (named, weighted), a domain's `pool` or `egress` list, and the warm-up schedules and provider groups.</summary>
internal static partial class DeliverySettingsReader
{
    private static Dictionary<string, EgressPool> ReadPools(SettingsReader settings, IReadOnlyDictionary<string, EgressSource> sources)
    {
        var pools = new Dictionary<string, EgressPool>(StringComparer.Ordinal);
        foreach (var (name, value) in Objects(settings.Root, $"{Root}.egress-pools"))
        {
            var path = $"{Root}.egress-pools.{Hocon.Quote(name)}";
            var pool = ObjectConfig(value, path);
            const string Expected = "a non-empty list of { source = NAME, weight = 1.. } (or source names)";
            if (!pool.HasPath("sources") || !pool.GetValue("sources").IsArray()) throw new SettingException($"{path}.sources", null, Expected);
            var items = pool.GetValue("sources").GetArray();
            if (items.Count == 0) throw new SettingException($"{path}.sources", "[]", Expected);
            var members = new List<WeightedSource>();
            for (var i = 0; i < items.Count; i++)
            {
                var itemPath = $"{path}.sources.{i}";
                var (sourceName, weight) = items[i].IsString()
                    ? (items[i].GetString().Trim(), 1)
                    : ReadMember(new Scoped(ObjectConfig(items[i], itemPath), itemPath));
                if (!sources.TryGetValue(sourceName, out var source))
                    throw new SettingException($"{itemPath}.source", sourceName, $"the name of a source defined in {Root}.egress-sources ({string.Join(", ", sources.Keys)})");
                if (members.Any(m => m.Source.Name == sourceName)) throw new SettingException($"{itemPath}.source", sourceName, "each source once per pool");
                members.Add(new WeightedSource(source, weight));
            }
            pools[name] = new EgressPool(name, members);
        }
        return pools;
    }

    /// <summary>actormta.delivery.pool-header and tenant-pools: every tenant's pool must exist.</summary>
    private static PoolChoice ReadPoolChoice(SettingsReader settings, IReadOnlyDictionary<string, EgressPool> pools)
    {
        var header = settings.String($"{Root}.pool-header", allowEmpty: false).Trim();
        if (header.Length > 76 || header.Any(c => c is <= ' ' or > '~' or ':'))
            throw new SettingException($"{Root}.pool-header", header, "a header field name (printable ASCII, no blanks or colon), e.g. X-ActorMta-Pool");
        var tenants = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = $"{Root}.tenant-pools";
        if (settings.Root.HasPath(path) && settings.Root.GetValue(path).IsObject())
            foreach (var (tenant, value) in settings.Root.GetValue(path).GetObject().Items)
            {
                var pool = value.IsString() ? value.GetString().Trim() : "";
                tenants[tenant] = pools.ContainsKey(pool)
                    ? pool
                    : throw new SettingException($"{path}.{Hocon.Quote(tenant)}", pool, $"the name of a pool defined in {Root}.egress-pools ({string.Join(", ", pools.Keys)})");
            }
        else if (settings.Root.HasPath(path))
            throw new SettingException(path, settings.Raw(path), "an object of AUTH user = pool name, e.g. { \"billing-app\" = transactional }");
        return new PoolChoice(header, pools.Keys.ToHashSet(StringComparer.Ordinal), tenants);
    }

    private static (string Source, int Weight) ReadMember(Scoped member) =>
        (member.Read(r => r.String("source", allowEmpty: false)), member.Config.HasPath("weight") ? member.Read(r => r.Int("weight", 1, 1000)) : 1);

    /// <summary>The domain's pool: `pool = NAME`, else its `egress = [..]` list (an unweighted pool). An entry's own `egress` beats a default `pool`.</summary>
    private static EgressPool ReadEgress(Scoped policy, Config entry, Context context)
    {
        var pool = policy.Config.HasPath("pool") ? policy.Read(r => r.String("pool")) : "";
        var ownList = entry.HasPath("egress") && !entry.HasPath("pool");
        if (pool.Length > 0 && !ownList)
            return context.Pools.TryGetValue(pool, out var named)
                ? named
                : throw policy.Error("pool", $"the name of a pool defined in {Root}.egress-pools ({string.Join(", ", context.Pools.Keys)}), or \"\" to use `egress`");
        var egress = policy.Read(r => r.List("egress"));
        if (egress.Count == 0) throw policy.Error("egress", "a non-empty list of egress source names");
        return EgressPool.Unweighted([.. egress.Select(name => context.Sources.TryGetValue(name, out var source)
            ? source
            : throw policy.Error("egress", $"names of sources defined in {Root}.egress-sources ({string.Join(", ", context.Sources.Keys)})"))]);
    }

    /// <summary>A source's `warmup` schedule: messages per day by day number, each at least 1; [] (the default): no cap.</summary>
    private static IReadOnlyList<int> ReadSchedule(Scoped source)
    {
        if (!source.Config.HasPath("warmup")) return [];
        return [.. source.Read(r => r.List("warmup")).Select(day => int.TryParse(day, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : throw source.Error("warmup", "a list of messages per day by day number, e.g. [50, 100, 200, 400] ([] for no warm-up)"))];
    }

    private static WarmUpSettings ReadWarmUp(SettingsReader settings, NodeSettings node, IReadOnlyDictionary<string, EgressSource> sources)
    {
        var providers = new List<ProviderGroup>();
        foreach (var (name, _) in Objects(settings.Root, $"{Root}.warmup.providers"))
        {
            var path = $"{Root}.warmup.providers.{Hocon.Quote(name)}";
            var patterns = settings.List(path);
            if (patterns.Count == 0) throw new SettingException(path, settings.Raw(path), "a non-empty list of MX host patterns (\"*.google.com\", \"mx.example.com\")");
            providers.Add(new ProviderGroup(name, [.. patterns.Select(p => DomainPattern.TryParse(p) ?? throw new SettingException(path, p, "MX host patterns such as \"*.google.com\""))]));
        }
        var schedules = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal);
        foreach (var (name, value) in Objects(settings.Root, $"{Root}.egress-sources"))
        {
            var path = $"{Root}.egress-sources.{Hocon.Quote(name)}";
            var schedule = ReadSchedule(new Scoped(ObjectConfig(value, path), path));
            if (schedule.Count > 0 && sources.ContainsKey(name)) schedules[name] = schedule;
        }
        var file = settings.String($"{Root}.warmup.file");
        return new WarmUpSettings(providers, schedules, file.Length == 0 ? null : Path.GetFullPath(Path.Combine(node.DataDirectory, file)),
            settings.Duration($"{Root}.warmup.write-interval", TimeSpan.Zero));
    }
}
