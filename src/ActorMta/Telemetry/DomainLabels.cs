namespace ActorMta.Telemetry;

/// <summary>
/// Keeps metric labels by destination domain bounded: the <see cref="Top"/> domains by volume get their own
/// label, every other domain is "other". Volume is counted with the space-saving algorithm (Metwally et al.)
/// over a fixed number of slots, so a stream of millions of distinct domains costs no more memory than a few;
/// a domain sent to often enough always holds a slot. Thread-safe.
/// </summary>
public sealed class DomainLabels
{
    public const string Other = "other";

    /// <summary>Slots per labelled domain: the space-saving counts are exact enough for the top ones with a few times more slots.</summary>
    private const int SlotsPerLabel = 4;

    private readonly object _gate = new();
    private readonly Dictionary<string, long> _volume = new(StringComparer.OrdinalIgnoreCase);
    private int _top;

    public DomainLabels(int top) => Top = top;

    /// <summary>How many domains get a label of their own (0: all are "other").</summary>
    public int Top
    {
        get => Volatile.Read(ref _top);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            lock (_gate)
            {
                _top = value;
                _volume.Clear();
            }
        }
    }

    /// <summary>How many domains are being counted (at most <see cref="Top"/> times four).</summary>
    public int Tracked
    {
        get { lock (_gate) return _volume.Count; }
    }

    /// <summary>Counts <paramref name="amount"/> units of volume (messages, recipients) for a domain.</summary>
    public void Observe(string domain, long amount = 1)
    {
        lock (_gate)
        {
            var slots = _top * SlotsPerLabel;
            if (slots == 0) return;
            if (_volume.TryGetValue(domain, out var count))
            {
                _volume[domain] = count + amount;
                return;
            }
            if (_volume.Count < slots)
            {
                _volume[domain] = amount;
                return;
            }
            // Space-saving: the newcomer takes the smallest slot and inherits its count (an over-estimate by at most that much).
            var (smallest, least) = (default(string), long.MaxValue);
            foreach (var (name, n) in _volume)
                if (n < least) (smallest, least) = (name, n);
            _volume.Remove(smallest!);
            _volume[domain] = least + amount;
        }
    }

    /// <summary>The labels as they stand: a function from domain to its label, for one scrape.</summary>
    public Func<string, string> Snapshot()
    {
        HashSet<string> labelled;
        lock (_gate)
            labelled = _volume.OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal)
                .Take(_top).Select(v => v.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return domain => labelled.Contains(domain) ? domain.ToLowerInvariant() : Other;
    }

    public string For(string domain) => Snapshot()(domain);
}
