namespace ActorMta.Queue.Bodies;

/// <summary>
/// The node's spool directory (DATA/spool): where message bodies larger than
/// actormta.smtp.spool-threshold go while they arrive, so a session holds at most the threshold
/// in memory, not the whole message. Owner-only (0700 directory, 0600 files): bodies are mail.
/// Nothing in it outlives a node: a file is deleted once its body is stored or its transaction
/// ends, and the files a crash left behind are deleted at the next start.
/// </summary>
public sealed class BodySpool(string directory)
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string Directory { get; } = directory;

    /// <summary>Creates the directory (owner-only) and deletes what a crash left in it; returns how many files.</summary>
    public int RemoveLeftovers()
    {
        EnsureDirectory();
        var removed = 0;
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
        {
            File.Delete(file);
            removed++;
        }
        return removed;
    }

    /// <summary>A new, empty, owner-only file for one message body, open for writing.</summary>
    public FileStream Create(out string path)
    {
        EnsureDirectory();
        path = Path.Combine(Directory, $"{Guid.NewGuid():N}.eml");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            BufferSize = 0, // the caller writes 64 KiB blocks
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        return new FileStream(path, options);
    }

    private void EnsureDirectory()
    {
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(Directory);
        else System.IO.Directory.CreateDirectory(Directory, OwnerOnlyDirectory);
    }
}
