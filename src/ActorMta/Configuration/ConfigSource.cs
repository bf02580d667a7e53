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

/// <summary>A file's last write time and size: a cheap way to tell it was replaced without reading it.</summary>
public readonly record struct FileStamp(DateTime Written, long Length)
{
    /// <summary>The stamp now; default when the file does not exist.</summary>
    public static FileStamp Of(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? new FileStamp(file.LastWriteTimeUtc, file.Length) : default;
    }
}
