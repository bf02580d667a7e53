using System.Text.Json;
using ActorMta.Configuration;

namespace ActorMta.Delivery.Egress;

/// <summary>
/// The warm-up counts of this node in a small JSON file in its data directory, replaced atomically (written beside
/// it, then renamed over it), so a crash leaves the old file or the new one, never half of one.
/// </summary>
internal sealed class WarmUpFile(string path)
{
    public string Path { get; } = path;

    public IReadOnlyList<WarmUp.Usage> Load()
    {
        if (!File.Exists(Path)) return [];
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path));
            return [.. document.RootElement.GetProperty("usage").EnumerateArray().Select(u => new WarmUp.Usage(
                u.GetProperty("source").GetString()!,
                u.GetProperty("group").GetString()!,
                DateOnly.ParseExact(u.GetProperty("first_day").GetString()!, "yyyy-MM-dd"),
                DateOnly.ParseExact(u.GetProperty("day").GetString()!, "yyyy-MM-dd"),
                u.GetProperty("sent").GetInt32()))];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException)
        {
            throw new SettingException("actormta.delivery.warmup.file", Path, $"a readable warm-up state file ({e.Message}); move it away to start the counts afresh");
        }
    }

    public void Save(IReadOnlyList<WarmUp.Usage> usage)
    {
        var temporary = Path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
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
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path, overwrite: true);
    }
}
