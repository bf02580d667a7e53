namespace ActorMta.Configuration;

public static class Hocon
{
    /// <summary>A HOCON quoted string (JSON string syntax), so any value is taken literally.</summary>
    public static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
