using System.Collections;
using Akka.Configuration;

namespace ActorMta.Configuration;

/// <summary>
/// Builds the node's configuration in layers: environment variables over the operator's file over
/// the documented defaults (hocon/actormta.conf).
/// </summary>
public static class ActorMtaConfig
{
    public const string DefaultsFileName = "actormta.conf";

    /// <summary>The defaults file shipped beside the executable.</summary>
    public static string DefaultsPath => Path.Combine(AppContext.BaseDirectory, DefaultsFileName);

    public static Config Load(string? operatorFile, IDictionary environment, string? defaultsPath = null)
    {
        var defaults = ParseFile(defaultsPath ?? DefaultsPath, "the defaults file");
        var layered = defaults;
        if (operatorFile is not null)
            layered = ParseFile(operatorFile, "--config").WithFallback(layered);
        return EnvironmentOverrides.FromEnvironment(environment).WithFallback(layered);
    }

    private static Config ParseFile(string path, string what)
    {
        if (!File.Exists(path))
            throw new SettingException(what, path, "a readable HOCON file");
        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(path));
        }
        catch (Exception e) when (e is not SettingException)
        {
            throw new SettingException(what, path, $"valid HOCON ({FirstLine(e.Message)})");
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
