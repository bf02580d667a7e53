using System.Text.Json;
using System.Text.Json.Serialization;
using ActorMta.Delivery.State;

namespace ActorMta.Delivery.Sts;

/// <summary>The TLS-RPT counts of this node in a small JSON file in its data directory (<see cref="JsonStateFile"/>).</summary>
internal sealed class TlsReportFile(string path)
{
    public const string Setting = "actormta.delivery.mta-sts.report-file";

    internal sealed record Contents(int Version, IReadOnlyList<TlsPolicyCounts> Counts);

    public string Path { get; } = path;

    public IReadOnlyList<TlsPolicyCounts> Load() =>
        JsonStateFile.Read<IReadOnlyList<TlsPolicyCounts>>(Path, Setting, "TLS-RPT state", [], root =>
        {
            var contents = root.Deserialize(TlsReportFileJson.Default.Contents) ?? throw new JsonException("null");
            foreach (var row in contents.Counts ?? throw new JsonException("no counts"))
                if (row?.Domain is null || row.MxHosts is null || row.Failures is null || row.Failures.Any(f => f?.ResultType is null))
                    throw new JsonException("a count without its domain, mx_hosts, failures or result_type");
            return contents.Counts;
        });

    public void Save(IReadOnlyList<TlsPolicyCounts> counts) =>
        JsonStateFile.Write(Path, json => JsonSerializer.Serialize(json, new Contents(1, counts), TlsReportFileJson.Default.Contents));
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TlsReportFile.Contents))]
internal sealed partial class TlsReportFileJson : JsonSerializerContext;
