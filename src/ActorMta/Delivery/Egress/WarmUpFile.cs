using System.Text.Json;
using ActorMta.Delivery.State;

namespace ActorMta.Delivery.Egress;

/// <summary>The warm-up counts of this node in a small JSON file in its data directory (<see cref="JsonStateFile"/>).</summary>
internal sealed class WarmUpFile(string path)
{
    public string Path { get; } = path;

    public IReadOnlyList<WarmUp.Usage> Load() =>
        JsonStateFile.Read<IReadOnlyList<WarmUp.Usage>>(Path, "actormta.delivery.warmup.file", "warm-up state", [], root =>
            [.. root.GetProperty("usage").EnumerateArray().Select(u => new WarmUp.Usage(
                u.GetProperty("source").GetString()!,
                u.GetProperty("group").GetString()!,
                DateOnly.ParseExact(u.GetProperty("first_day").GetString()!, "yyyy-MM-dd"),
                DateOnly.ParseExact(u.GetProperty("day").GetString()!, "yyyy-MM-dd"),
                u.GetProperty("sent").GetInt32()))]);

    public void Save(IReadOnlyList<WarmUp.Usage> usage) => JsonStateFile.Write(Path, json =>
    {
        json.WriteStartObject();
        json.WriteNumber("version", 1);
        json.WriteStartArray("usage");
        foreach (var u in usage.OrderBy(u => u.Source, StringComparer.Ordinal).ThenBy(u => u.Group, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("source", u.Source);
            json.WriteString("group", u.Group);
            json.WriteString("first_day", u.FirstDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("day", u.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteNumber("sent", u.Sent);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    });
}
