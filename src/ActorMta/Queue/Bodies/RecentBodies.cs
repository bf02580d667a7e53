namespace ActorMta.Queue.Bodies;

/// <summary>
/// Bodies this node stored lately, kept in memory up to a byte budget, oldest out first. A relay
/// delivers most messages seconds after it accepted them; those are sent from here instead of read
/// back from the database. A stored body never changes, so this copy is as good as the row; a delete
/// removes it. Another node (a partition that moved) reads the row, as before.
/// </summary>
internal sealed class RecentBodies(long capacityBytes)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string QueueId, byte[] Body)>> _byQueueId = new(StringComparer.Ordinal);
    private readonly LinkedList<(string QueueId, byte[] Body)> _oldestFirst = new();
    private long _bytes;

    public long Bytes { get { lock (_lock) return _bytes; } }

    public int Count { get { lock (_lock) return _byQueueId.Count; } }

    /// <summary>Keeps the body unless it alone would take more than a sixteenth of the budget (one large body must not empty it).</summary>
    public void Add(string queueId, byte[] body)
    {
        if (body.Length > capacityBytes / 16) return;
        lock (_lock)
        {
            if (_byQueueId.ContainsKey(queueId)) return;
            _byQueueId[queueId] = _oldestFirst.AddLast((queueId, body));
            _bytes += body.Length;
            while (_bytes > capacityBytes && _oldestFirst.First is { } oldest) Forget(oldest);
        }
    }

    public byte[]? Find(string queueId)
    {
        lock (_lock) return _byQueueId.TryGetValue(queueId, out var node) ? node.Value.Body : null;
    }

    public void Remove(string queueId)
    {
        lock (_lock)
            if (_byQueueId.TryGetValue(queueId, out var node)) Forget(node);
    }

    private void Forget(LinkedListNode<(string QueueId, byte[] Body)> node)
    {
        _oldestFirst.Remove(node);
        _byQueueId.Remove(node.Value.QueueId);
        _bytes -= node.Value.Body.Length;
    }
}
