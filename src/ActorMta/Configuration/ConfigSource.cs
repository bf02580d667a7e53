using System.Collections;
using Akka.Configuration;

namespace ActorMta.Configuration;

/// <summary>
/// Where the node's configuration came from: the operator's file (--config), the environment and the defaults
/// file, so a part that reloads at run time (DKIM) reads the same layers again, environment overrides still winning.
/// </summary>
public sealed record ConfigSource(string? OperatorFile, IDictionary Environment, string? DefaultsPath = null)
{
    public Config Load() => ActorMtaConfig.Load(OperatorFile, Environment, DefaultsPath);
}

/// <summary>
/// What a small file (a key) holds, as a SHA-256: tells a replaced file without parsing it. Its content, not its write
/// time and size: a key replaced by one of the same size within the file system's clock tick would look unchanged.
/// </summary>
public readonly record struct FileStamp(string Sha256)
{
    /// <summary>The stamp now; empty when the file does not exist or cannot be read (reading it will say why).</summary>
    public static FileStamp Of(string path)
    {
        try
        {
            return new FileStamp(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new FileStamp("");
        }
    }
}
