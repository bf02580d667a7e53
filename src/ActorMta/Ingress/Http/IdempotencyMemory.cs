using System.Security.Cryptography;

namespace ActorMta.Ingress.Http;

/// <summary>An answer of the injection API: the status and the JSON body.</summary>
public sealed record InjectAnswer(int Status, object Body);

/// <summary>
/// The Idempotency-Keys this node has seen, with the request's SHA-256 and its answer: a repeat with
/// the same key and body gets the same answer (the same queue ids) and queues nothing; the same key with
/// another body is refused. A repeat that arrives while the first is still being queued waits for its
/// answer. Bounded (the oldest keys go first) and expiring; per node and in memory, so a repeat sent to
/// another node, or after a restart, queues the mail again. An answer that queued nothing because the
/// queue did not answer (503) is not kept: the client is meant to try again.
/// </summary>
public sealed class IdempotencyMemory(int maxKeys, TimeSpan rememberFor, TimeProvider clock)
{
    private sealed record Entry(string Key, byte[] Hash, Task<InjectAnswer> Answer, DateTimeOffset Expires);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    /// <summary>Oldest first: every entry lives the same time, so expiry is in this order too.</summary>
    private readonly LinkedList<Entry> _order = new();

    public int Count
    {
        get
        {
            lock (_lock) return _entries.Count;
        }
    }

    /// <summary>
    /// The remembered answer for <paramref name="key"/>, or <paramref name="run"/>'s (remembered from now on);
    /// null when the key was used with another body.
    /// </summary>
    public Task<InjectAnswer>? Answer(string key, ReadOnlySpan<byte> body, Func<Task<InjectAnswer>> run)
    {
        var hash = SHA256.HashData(body);
        TaskCompletionSource<InjectAnswer> mine;
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            while (_order.First is { } expired && expired.Value.Expires <= now) RemoveOldest();
            if (_entries.TryGetValue(key, out var known))
                return CryptographicOperations.FixedTimeEquals(known.Value.Hash, hash) ? known.Value.Answer : null;
            while (_order.First is not null && _entries.Count >= maxKeys) RemoveOldest();
            mine = new TaskCompletionSource<InjectAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (maxKeys > 0) _entries[key] = _order.AddLast(new Entry(key, hash, mine.Task, now + rememberFor));
        }
        _ = RunAsync(key, run, mine);
        return mine.Task;
    }

    private void RemoveOldest()
    {
        _entries.Remove(_order.First!.Value.Key);
        _order.RemoveFirst();
    }

    private async Task RunAsync(string key, Func<Task<InjectAnswer>> run, TaskCompletionSource<InjectAnswer> answer)
    {
        try
        {
            var result = await run();
            if (result.Status == 503) Forget(key, answer.Task);
            answer.SetResult(result);
        }
        catch (Exception e)
        {
            Forget(key, answer.Task);
            answer.SetException(e);
        }
    }

    private void Forget(string key, Task<InjectAnswer> answer)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node) && node.Value.Answer == answer)
            {
                _entries.Remove(key);
                _order.Remove(node);
            }
        }
    }
}
