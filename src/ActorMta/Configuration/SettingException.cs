namespace ActorMta.Configuration;

/// <summary>An invalid setting: the node refuses to start and prints <see cref="Exception.Message"/> as one line.</summary>
public sealed class SettingException(string path, string? value, string expected)
    : Exception($"invalid setting {path} = {Quote(value)}: expected {expected}")
{
    public string Path { get; } = path;
    public string? Value { get; } = value;
    public string Expected { get; } = expected;

    private static string Quote(string? value) => value is null ? "(missing)" : $"\"{value}\"";
}
