namespace ActorMta.Configuration;

/// <summary>An invalid setting: the node refuses to start and prints <see cref="Exception.Message"/> as one line.</summary>
public sealed class SettingException : Exception
{
    public SettingException(string path, string? value, string expected)
        : this(path, value, expected, $"expected {expected}") { }

    private SettingException(string path, string? value, string expected, string explanation)
        : base($"invalid setting {path} = {Quote(value)}: {explanation}")
    {
        Path = path;
        Value = value;
        Expected = expected;
    }

    public string Path { get; }
    public string? Value { get; }
    public string Expected { get; }

    /// <summary>A well-formed value that conflicts with another setting or with the stored queue; the explanation says how.</summary>
    public static SettingException Conflict(string path, string? value, string explanation) => new(path, value, explanation, explanation);

    private static string Quote(string? value) => value is null ? "(missing)" : $"\"{value}\"";
}
