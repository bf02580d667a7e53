namespace ActorMta.Delivery;

/// <summary>
/// A domain's waiting requests in arrival order, counted per egress pool: an idle connection takes the first one whose
/// pool has its source (usually the first of all), and new connections are opened per pool for what waits there.
/// </summary>
internal sealed class Backlog<T>(Func<T, string> poolOf)
{
    private readonly LinkedList<(T Item, string Pool)> _items = new();
    private readonly Dictionary<string, int> _byPool = new(StringComparer.Ordinal);

    public int Count => _items.Count;

    /// <summary>How many wait, by pool name (pools with none may show 0).</summary>
    public IReadOnlyDictionary<string, int> ByPool => _byPool;

    public void Enqueue(T item)
    {
        var pool = poolOf(item);
        _items.AddLast((item, pool));
        _byPool[pool] = _byPool.GetValueOrDefault(pool) + 1;
    }

    public bool TryPeek(out T item)
    {
        item = _items.First is { } first ? first.Value.Item : default!;
        return _items.First is not null;
    }

    public bool TryDequeue(out T item) => TryTakeFirst(null, out item);

    public T Dequeue() => TryDequeue(out var item) ? item : throw new InvalidOperationException("the backlog is empty");

    /// <summary>Takes the first item that <paramref name="match"/> accepts (any, when null).</summary>
    public bool TryTakeFirst(Func<T, bool>? match, out T item)
    {
        for (var node = _items.First; node is not null; node = node.Next)
        {
            if (match is not null && !match(node.Value.Item)) continue;
            Remove(node);
            item = node.Value.Item;
            return true;
        }
        item = default!;
        return false;
    }

    /// <summary>Takes the first item of the pool.</summary>
    public bool TryTakeFirstOf(string pool, out T item)
    {
        for (var node = _items.First; node is not null; node = node.Next)
        {
            if (node.Value.Pool != pool) continue;
            Remove(node);
            item = node.Value.Item;
            return true;
        }
        item = default!;
        return false;
    }

    private void Remove(LinkedListNode<(T Item, string Pool)> node)
    {
        _items.Remove(node);
        _byPool[node.Value.Pool]--;
    }
}
