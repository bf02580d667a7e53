using Microsoft.Extensions.Logging;

namespace ActorMta.Configuration;

public enum LogFormat { Text, Json }

public sealed record LoggingSettings(LogFormat Format, LogLevel Level)
{
    public static LoggingSettings From(SettingsReader settings) => new(
        settings.OneOf("actormta.logging.format", new Dictionary<string, LogFormat> { ["text"] = LogFormat.Text, ["json"] = LogFormat.Json }),
        settings.OneOf("actormta.logging.level", Enum.GetValues<LogLevel>().Where(l => l != LogLevel.None)
            .ToDictionary(l => l.ToString().ToLowerInvariant())));
}
