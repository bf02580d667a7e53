using System.Text;

namespace ActorMta.Delivery.Maildir;

/// <summary>
/// A maildir (tmp/, new/, cur/): each message is written to tmp/ under a unique name, flushed to
/// disk, then renamed into new/, so a reader never sees half a message. Each file starts with
/// Return-Path and Delivered-To, as a local delivery agent writes them, then the message as queued.
/// </summary>
public sealed class MaildirFolder(string directory, string hostname)
{
    private static long _sequence;

    public string Directory { get; } = directory;

    public void Create()
    {
        foreach (var sub in new[] { "tmp", "new", "cur" }) System.IO.Directory.CreateDirectory(Path.Combine(Directory, sub));
    }

    /// <summary>Writes one copy for <paramref name="recipient"/>; returns its path in new/.</summary>
    public async Task<string> DeliverAsync(string reversePath, string recipient, ReadOnlyMemory<byte> body, CancellationToken cancellation)
    {
        var name = UniqueName();
        var temporary = Path.Combine(Directory, "tmp", name);
        var final = Path.Combine(Directory, "new", name);
        var headers = Encoding.UTF8.GetBytes($"Return-Path: <{reversePath}>\r\nDelivered-To: {recipient}\r\n");
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await file.WriteAsync(headers, cancellation).ConfigureAwait(false);
            await file.WriteAsync(body, cancellation).ConfigureAwait(false);
            // "Delivered" must survive a crash: the data is on disk before the name appears in new/.
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, final);
        return final;
    }

    /// <summary>time.MmicrosPpidQn.host, unique across processes and within one (maildir naming).</summary>
    private string UniqueName()
    {
        var now = DateTimeOffset.UtcNow;
        var micros = now.Ticks / 10 % 1_000_000;
        var host = hostname.Replace("/", "\\057").Replace(":", "\\072");
        return $"{now.ToUnixTimeSeconds()}.M{micros}P{Environment.ProcessId}Q{Interlocked.Increment(ref _sequence)}.{host}";
    }
}
