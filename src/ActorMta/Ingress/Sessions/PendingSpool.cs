using System.Buffers;
using ActorMta.Queue.Bodies;

namespace ActorMta.Ingress.Sessions;

/// <summary>A spool file whose last octets are still in memory: <see cref="CompleteAsync"/> writes them and closes it
/// (then copies it without the <paramref name="removed"/> ranges, if any).</summary>
public sealed class PendingSpool(FileStream file, string path, long length, IReadOnlyList<(byte[] Array, int Used)> tail,
    IReadOnlyList<(long Start, long End)>? removed = null)
{
    public async Task<SpooledBody> CompleteAsync()
    {
        try
        {
            await using (file)
            {
                foreach (var (array, used) in tail) await file.WriteAsync(array.AsMemory(0, used));
            }
            if (new FileInfo(path).Length != length) throw new IOException($"spool file {path} is short of {length} octets");
            return removed is { Count: > 0 } ? await WithoutRemovedAsync() : new SpooledBody(path, length);
        }
        catch
        {
            new SpooledBody(path, 0).Delete();
            throw;
        }
        finally
        {
            foreach (var (array, _) in tail) ArrayPool<byte>.Shared.Return(array);
        }
    }

    /// <summary>The file again without the removed ranges, in its place.</summary>
    private async Task<SpooledBody> WithoutRemovedAsync()
    {
        var copy = path + ".kept";
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var kept = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            await using (var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 1))
            await using (var output = new FileStream(copy, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                long offset = 0;
                int read;
                while ((read = await input.ReadAsync(buffer.AsMemory(0, 64 * 1024))) > 0)
                {
                    var count = MessageBuffer.CopyKept(buffer.AsSpan(0, read), offset, removed!, kept);
                    await output.WriteAsync(kept.AsMemory(0, count));
                    offset += read;
                }
            }
            File.Move(copy, path, overwrite: true);
            return new SpooledBody(path, new FileInfo(path).Length);
        }
        finally
        {
            if (File.Exists(copy)) File.Delete(copy);
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(kept);
        }
    }
}
