using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ActorMta.Host.Cli;

/// <summary>JSON answers as Spectre.Console tables. Reads by property name and tolerates missing ones, so a newer node still renders.</summary>
public static class CliTables
{
    public static Table Domains(IEnumerable<JsonElement> domains)
    {
        var table = new Table().AddColumns("Domain", "State", "Until", "Reason", "Backlog", "In flight", "Connections", "Delivered", "Deferred", "Failed", "Node");
        foreach (var d in domains)
        {
            var bounced = Time(d, "bouncedUntil");
            var suspended = bounced.Length > 0 ? bounced : Time(d, "suspendedUntil");
            table.AddRow(Cells(
                Text(d, "domain"), Text(d, "state"),
                suspended.Length > 0 ? suspended : Time(d, "throttledUntil"),
                bounced.Length > 0 ? Text(d, "bounceReason") : suspended.Length > 0 ? Text(d, "suspendReason") : Text(d, "throttleReason"),
                Text(d, "backlog"), Text(d, "inFlight"),
                d.TryGetProperty("connections", out var c) && c.ValueKind == JsonValueKind.Array ? c.GetArrayLength().ToString(CultureInfo.InvariantCulture) : "",
                Text(d, "delivered"), Text(d, "deferred"), Text(d, "failed"), Text(d, "node")));
        }
        return table;
    }

    /// <summary>
    /// The lines under the domains table (a column would make it wrap): for each domain whose limits do not all come from
    /// actormta.delivery.defaults, the settings they come from, and a throttle scaling them.
    /// </summary>
    public static IEnumerable<string> LimitSources(IEnumerable<JsonElement> domains)
    {
        const string Defaults = "actormta.delivery.defaults.";
        foreach (var d in domains)
        {
            if (!d.TryGetProperty("limitSources", out var sources) || sources.ValueKind != JsonValueKind.Object) continue;
            var own = sources.EnumerateObject().Select(l => Text(l.Value, "source")).Where(s => !s.StartsWith(Defaults, StringComparison.Ordinal)).ToArray();
            var throttle = sources.EnumerateObject().Select(l => Text(l.Value, "adjustedBy")).FirstOrDefault(a => a.Length > 0);
            if (own.Length == 0 && throttle is null) continue;
            var from = own.Length == 0 ? "" : $" limits from {string.Join(", ", own)}, the others from {Defaults.TrimEnd('.')}";
            yield return $"{Text(d, "domain")}:{from}{(throttle is null ? "" : $" ({throttle})")}";
        }
    }

    /// <summary>One row per egress source and provider group: today's warm-up count against the cap (a source without a schedule: one row).</summary>
    public static Table Egress(JsonElement egress)
    {
        var table = new Table().AddColumns("Source", "Address", "EHLO", "Provider", "Day", "Sent today", "Cap", "Capped");
        if (!egress.TryGetProperty("sources", out var sources) || sources.ValueKind != JsonValueKind.Array) return table;
        foreach (var s in sources.EnumerateArray())
        {
            var providers = s.TryGetProperty("providers", out var p) && p.ValueKind == JsonValueKind.Object ? p.EnumerateObject().ToArray() : [];
            if (providers.Length == 0) table.AddRow(Cells(Text(s, "name"), Text(s, "address"), Text(s, "ehlo_name"), "", "", "", "no warm-up", ""));
            foreach (var provider in providers)
                table.AddRow(Cells(Text(s, "name"), Text(s, "address"), Text(s, "ehlo_name"), provider.Name,
                    Text(provider.Value, "day"), Text(provider.Value, "sent"), Text(provider.Value, "cap"), Text(provider.Value, "capped") == "true" ? "yes" : ""));
        }
        return table;
    }

    public static Table Queue(JsonElement overview)
    {
        var statuses = new SortedSet<string>(StringComparer.Ordinal);
        var domains = overview.TryGetProperty("domains", out var byDomain) && byDomain.ValueKind == JsonValueKind.Object ? byDomain : default;
        if (domains.ValueKind == JsonValueKind.Object)
            foreach (var domain in domains.EnumerateObject())
                foreach (var status in domain.Value.EnumerateObject()) statuses.Add(status.Name);
        var table = new Table().AddColumn("Domain");
        foreach (var status in statuses) table.AddColumn(new TableColumn(Markup.Escape(status)).RightAligned());
        if (domains.ValueKind == JsonValueKind.Object)
            foreach (var domain in domains.EnumerateObject())
                table.AddRow(Cells([domain.Name, .. statuses.Select(s => Text(domain.Value, s))]));
        return table;
    }

    /// <summary>The line under the queue table (a caption would wrap at the table's width).</summary>
    public static string QueueSummary(JsonElement overview) =>
        $"{Text(overview, "messages")} messages; recipients by state: {(Compact(overview, "recipients") is { Length: > 0 } r ? r : "none")}";

    public static Table Members(JsonElement snapshot)
    {
        var table = new Table().AddColumns("Node", "Status", "Roles", "Up since", "");
        var leader = Text(snapshot, "leader");
        var self = Text(snapshot, "selfNode");
        var unreachable = snapshot.TryGetProperty("unreachable", out var u) && u.ValueKind == JsonValueKind.Array
            ? u.EnumerateArray().Select(x => x.ToString()).ToHashSet(StringComparer.Ordinal) : [];
        if (snapshot.TryGetProperty("members", out var members) && members.ValueKind == JsonValueKind.Array)
            foreach (var m in members.EnumerateArray())
            {
                var node = Text(m, "node");
                var notes = new List<string>();
                if (node == self) notes.Add("this node");
                if (node == leader) notes.Add("leader");
                if (unreachable.Contains(node)) notes.Add("UNREACHABLE");
                var roles = m.TryGetProperty("roles", out var r) && r.ValueKind == JsonValueKind.Array ? string.Join(",", r.EnumerateArray().Select(x => x.ToString())) : "";
                table.AddRow(Cells(node, Text(m, "status"), roles, Time(m, "upSince"), string.Join(", ", notes)));
            }
        return table;
    }

    /// <summary>Any JSON: an object as name/value rows, an array of objects as a table, nested as needed.</summary>
    public static IRenderable Any(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => ObjectTable(json),
        JsonValueKind.Array when json.EnumerateArray().Any() && json.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object) => ArrayTable(json),
        JsonValueKind.Array => new Text(string.Join(", ", json.EnumerateArray().Select(Scalar))),
        _ => new Text(Scalar(json)),
    };

    private static Table ObjectTable(JsonElement json)
    {
        var table = new Table().HideHeaders().AddColumns("", "");
        foreach (var property in json.EnumerateObject())
            table.AddRow(new Text(property.Name), Any(property.Value));
        return table;
    }

    private static Table ArrayTable(JsonElement json)
    {
        var columns = json.EnumerateArray().SelectMany(e => e.EnumerateObject().Select(p => p.Name)).Distinct(StringComparer.Ordinal).ToList();
        var table = new Table().AddColumns(columns.Select(c => new TableColumn(Markup.Escape(c))).ToArray());
        foreach (var row in json.EnumerateArray())
            table.AddRow(columns.Select(c => row.TryGetProperty(c, out var v) ? Any(v) : new Text("")).ToArray());
        return table;
    }

    private static IRenderable[] Cells(params string[] values) => values.Select(v => (IRenderable)new Text(v)).ToArray();

    private static string Text(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) ? Scalar(value) : "";

    /// <summary>A timestamp in UTC to the second: the JSON's seven decimals only widen the table.</summary>
    private static string Time(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time)
            ? time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : Text(json, name);

    private static string Compact(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? string.Join(", ", value.EnumerateObject().Select(p => $"{p.Name} {Scalar(p.Value)}"))
            : "";

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.Object or JsonValueKind.Array => value.GetRawText(),
        _ => value.GetRawText(),
    };
}
