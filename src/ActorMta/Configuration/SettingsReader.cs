using System.Net;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorMta.Configuration;

/// <summary>
/// Typed, validated reads of HOCON settings. Every failure names the full setting path, the value
/// found and what was expected, so an operator can fix the one line at fault.
/// </summary>
public sealed class SettingsReader(Config root)
{
    public Config Root { get; } = root;

    public string String(string path, bool allowEmpty = true)
    {
        var value = Raw(path);
        if (value is null) throw new SettingException(path, null, "a string");
        if (!allowEmpty && value.Length == 0) throw new SettingException(path, value, "a non-empty string");
        return value;
    }

    public T OneOf<T>(string path, IReadOnlyDictionary<string, T> choices)
    {
        var value = Raw(path);
        if (value is not null && choices.TryGetValue(value.Trim().ToLowerInvariant(), out var choice)) return choice;
        throw new SettingException(path, value, "one of " + string.Join(" | ", choices.Keys));
    }

    public int Int(string path, int min = int.MinValue, int max = int.MaxValue)
    {
        var value = Raw(path);
        if (int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            return n;
        var range = (min, max) switch
        {
            (int.MinValue, int.MaxValue) => "an integer",
            (_, int.MaxValue) => $"an integer >= {min}",
            _ => $"an integer from {min} to {max}",
        };
        throw new SettingException(path, value, range);
    }

    public double Double(string path, double min, double max)
    {
        var value = Raw(path);
        if (double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && d >= min && d <= max)
            return d;
        throw new SettingException(path, value, $"a number from {min} to {max}");
    }

    public int Port(string path, bool allowZero = false) => Int(path, allowZero ? 0 : 1, 65535);

    /// <summary>The entries of an object setting (e.g. per-domain entries); none when the path is absent.</summary>
    public static IEnumerable<KeyValuePair<string, HoconValue>> Objects(Config root, string path)
    {
        if (!root.HasPath(path)) return [];
        var value = root.GetValue(path);
        if (!value.IsObject()) throw new SettingException(path, value.ToString(), "an object");
        return value.GetObject().Items;
    }

    /// <summary>One entry of <see cref="Objects"/> as a config of its own, read with relative keys.</summary>
    public static Config ObjectConfig(HoconValue value, string path) =>
        value.IsObject() ? new Config(new HoconRoot(value)) : throw new SettingException(path, value.ToString(), "an object");

    public long Size(string path, long min = 0)
    {
        var value = Raw(path);
        long? bytes = null;
        try { bytes = Root.GetByteSize(path); } catch (Exception) { /* reported below */ }
        if (bytes is { } b && b >= min) return b;
        throw new SettingException(path, value, $"a size in bytes >= {min} (e.g. 1048576 or 1MiB)");
    }

    public TimeSpan Duration(string path, TimeSpan? min = null)
    {
        var value = Raw(path);
        TimeSpan? parsed = null;
        try { parsed = Root.GetTimeSpan(path, null, allowInfinite: false); } catch (Exception) { /* reported below */ }
        var floor = min ?? TimeSpan.Zero;
        if (parsed is { } d && d >= floor) return d;
        throw new SettingException(path, value, $"a duration >= {floor.TotalSeconds}s (e.g. 500ms, 30s, 5m, 2d)");
    }

    public bool Bool(string path)
    {
        var value = Raw(path)?.Trim().ToLowerInvariant();
        return value switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            _ => throw new SettingException(path, value, "on | off"),
        };
    }

    public IReadOnlyList<string> List(string path)
    {
        if (!Root.HasPath(path)) return [];
        try
        {
            return Root.GetStringList(path).Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
        }
        catch (Exception)
        {
            throw new SettingException(path, Raw(path), "a list of strings");
        }
    }

    public IPAddress Address(string path)
    {
        var value = Raw(path);
        if (value is not null && IPAddress.TryParse(value, out var address)) return address;
        throw new SettingException(path, value, "an IPv4 or IPv6 address");
    }

    /// <summary>The setting as text, or null when absent; objects and lists are rendered as HOCON.</summary>
    public string? Raw(string path)
    {
        if (!Root.HasPath(path)) return null;
        try
        {
            var value = Root.GetValue(path);
            return value.IsString() ? value.GetString() : value.ToString();
        }
        catch (Exception)
        {
            return null;
        }
    }
}
