using System.Globalization;

namespace ActorMta.TestSupport;

/// <summary>One sample of a Prometheus text exposition: NAME{LABELS} VALUE.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A /metrics page parsed (Prometheus text format 0.0.4): the samples and the declared type of each metric family
/// (# TYPE lines). Label values here never hold an escaped quote, so a plain split is enough.
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText(IReadOnlyList<PrometheusSample> samples, IReadOnlyDictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Family name (as in # TYPE) to counter, gauge, histogram, summary or untyped.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public static PrometheusText Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
                continue;
            }
            if (line.Length == 0 || line[0] == '#') continue;
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var end = brace < 0 ? line.IndexOf(' ', StringComparison.Ordinal) : line.LastIndexOf('}');
            var name = line[..(brace < 0 ? end : brace)];
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (brace >= 0)
                foreach (var pair in line[(brace + 1)..end].Split("\",", StringSplitOptions.RemoveEmptyEntries))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    labels[pair[..equals]] = pair[(equals + 1)..].Trim('"');
                }
            var value = line[(end + 1)..].Trim().Split(' ')[0];
            samples.Add(new PrometheusSample(name, labels, double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }
        return new PrometheusText(samples, types);
    }

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels include every NAME=VALUE of <paramref name="labels"/>; null when there is none.</summary>
    public double? Sum(string name, params (string Name, string Value)[] labels)
    {
        var matching = Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).ToList();
        return matching.Count == 0 ? null : matching.Sum(s => s.Value);
    }
}
