using System.Text.Json;
using ActorMta.Configuration;

namespace ActorMta.Delivery.State;

/// <summary>
/// A node's small JSON state file in its data directory (warm-up counts, TLS-RPT counts), replaced atomically:
/// written beside it, flushed to disk, then renamed over it, so a crash leaves the old file or the new one.
/// </summary>
public static class JsonStateFile
{
    public static void Write(string path, Action<Utf8JsonWriter> write)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true })) write(json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// The file read by <paramref name="read"/>, or <paramref name="absent"/> when there is none. A file that cannot
    /// be read stops the start (exit 2, naming the setting and the file) rather than forgetting what it held.
    /// </summary>
    public static T Read<T>(string path, string setting, string what, T absent, Func<JsonElement, T> read)
    {
        if (!File.Exists(path)) return absent;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return read(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException
            or UnauthorizedAccessException or ArgumentException)
        {
            throw new SettingException(setting, path, $"a readable {what} file ({e.Message}); move it away to start the counts afresh");
        }
    }
}
