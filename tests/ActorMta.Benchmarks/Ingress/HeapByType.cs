using Microsoft.Diagnostics.Runtime;

namespace ActorMta.Benchmarks.Ingress;

/// <summary>
/// The node's live managed objects by type: ClrMD attaches to the suspended process and marks
/// everything reachable from the GC roots, so garbage not yet collected is not counted.
/// </summary>
internal sealed class HeapByType
{
    private HeapByType(Dictionary<string, (long Count, long Bytes)> types) => Types = types;

    public Dictionary<string, (long Count, long Bytes)> Types { get; }

    public long LiveBytes => Types.Values.Sum(v => v.Bytes);

    public static HeapByType Snapshot(int pid)
    {
        using var target = DataTarget.AttachToProcess(pid, suspend: true);
        using var runtime = target.ClrVersions[0].CreateRuntime();
        var heap = runtime.Heap;
        var types = new Dictionary<string, (long Count, long Bytes)>();
        var marked = new HashSet<ulong>();
        var pending = new Stack<ClrObject>();
        foreach (var root in heap.EnumerateRoots())
            if (root.Object.IsValid && marked.Add(root.Object.Address)) pending.Push(root.Object);
        while (pending.TryPop(out var obj))
        {
            var name = obj.Type?.Name ?? "?";
            types.TryGetValue(name, out var seen);
            types[name] = (seen.Count + 1, seen.Bytes + (long)obj.Size);
            foreach (var reference in obj.EnumerateReferences(carefully: false, considerDependantHandles: true))
                if (reference.IsValid && marked.Add(reference.Address)) pending.Push(reference);
        }
        return new HeapByType(types);
    }

    /// <summary>What <paramref name="larger"/> holds beyond <paramref name="smaller"/>, per connection, largest first.</summary>
    public static void PrintGrowth(HeapByType smaller, HeapByType larger, int connections, int top = 30)
    {
        Console.WriteLine($"live objects by type, added per idle connection (top {top}):");
        var growth = larger.Types.Select(entry =>
        {
            smaller.Types.TryGetValue(entry.Key, out var old);
            return (Type: entry.Key, Count: entry.Value.Count - old.Count, Bytes: entry.Value.Bytes - old.Bytes);
        }).Where(g => g.Bytes > 0).OrderByDescending(g => g.Bytes).Take(top);
        foreach (var (type, count, bytes) in growth)
            Console.WriteLine($"  {bytes / (double)connections,8:0.0} B  {count / (double)connections,6:0.00} objects  {(type.Length > 150 ? type[..150] + "..." : type)}");
    }
}
