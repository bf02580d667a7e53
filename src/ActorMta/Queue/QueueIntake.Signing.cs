using System.Runtime.InteropServices;
using ActorMta.Dkim;
using ActorMta.Queue.Bodies;
using Akka.Actor;
using Akka.Event;

namespace ActorMta.Queue;

/// <summary>
/// DKIM signing on the way in: every accepted message (SMTP, the injection API, DSNs) passes the intake
/// once, before its body is stored, so it is signed once, and what is stored is what is delivered.
/// </summary>
public sealed partial class QueueIntake
{
    private readonly DkimMessageSigner? _signer;

    /// <summary>Signs on a pool thread (parsing and hashing block), then stores what came back. A message that cannot be signed is stored unsigned, with a warning.</summary>
    private void SignThenStore(Arrived arrived, DkimMessageSigner signer) =>
        Task.Run(() => Sign(arrived, signer)).PipeTo(Self, success: signed => signed, failure: e =>
        {
            _log.Warning(e, "DKIM signing failed for a message from <{0}>; it is queued unsigned", arrived.Envelope.ReversePath);
            return arrived;
        });

    /// <summary>The message with its signature: in memory as it came, or in a new spool file (streamed; the unsigned file is deleted).</summary>
    private static Arrived Sign(Arrived arrived, DkimMessageSigner signer)
    {
        if (arrived.Spooled is { } spooled)
        {
            SpooledBody signedFile;
            using (var input = new FileStream(spooled.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024))
            {
                if (signer.Sign(input, arrived.Envelope.SmtpUtf8) is not { } signed) return arrived;
                signedFile = Write(signed, new BodySpool(Path.GetDirectoryName(spooled.Path)!));
            }
            spooled.Delete();
            return arrived with { Spooled = signedFile };
        }

        using var body = MemoryMarshal.TryGetArray(arrived.Body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(arrived.Body.ToArray(), writable: false);
        if (signer.Sign(body, arrived.Envelope.SmtpUtf8) is not { } inMemory) return arrived;
        var output = new MemoryStream(arrived.Body.Length + 1024);
        inMemory.WriteTo(output);
        return arrived with { Body = output.GetBuffer().AsMemory(0, (int)output.Length) };
    }

    private static SpooledBody Write(DkimMessageSigner.Signed signed, BodySpool spool)
    {
        string? path = null;
        try
        {
            using (var file = spool.Create(out path))
            using (var buffered = new BufferedStream(file, 64 * 1024))
                signed.WriteTo(buffered);
            return new SpooledBody(path, new FileInfo(path).Length);
        }
        catch
        {
            if (path is not null) File.Delete(path);
            throw;
        }
    }
}
