using System.Net;
using ActorMta.Ingress.Policy;

namespace ActorMta.Ingress.Auth;

/// <summary>
/// Failed AUTH attempts per client (an IPv4 address or an IPv6 prefix, see <see cref="ClientGroups"/>),
/// counted across all connections and listeners of the node. A client that reaches max-failures within
/// the penalty time is penalised for the penalty time: its AUTH commands are refused (454 4.7.0) without
/// a password check, so reconnecting does not buy fresh guesses and a guessing client costs no PBKDF2.
/// </summary>
/// <remarks>
/// Memory is bounded: at most <c>maxTracked</c> clients are remembered, the least recently seen
/// forgotten first, so a spray of addresses cannot grow it (it can only push out others' counts,
/// which needs as many addresses as it would take to guess from fresh ones anyway).
/// </remarks>
public sealed class AuthFailures
{
    private sealed class Entry(IPAddress key)
    {
        public IPAddress Key { get; } = key;
        public int Failures { get; set; }
        public DateTimeOffset LastFailure { get; set; }
        public DateTimeOffset PenalisedUntil { get; set; }
    }

    private readonly int _maxFailures;
    private readonly TimeSpan _penaltyTime;
    private readonly int _maxTracked;
    private readonly ClientGroups _groups;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _leastRecentFirst = new();
    private long _refused;
    private long _penalties;

    public AuthFailures(int maxFailures, TimeSpan penaltyTime, int maxTracked, ClientGroups groups, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFailures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTracked, 1);
        (_maxFailures, _penaltyTime, _maxTracked, _groups, _clock) = (maxFailures, penaltyTime, maxTracked, groups, clock);
    }

    /// <summary>AUTH commands refused because their client was penalised, since start.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Times a client became penalised, since start.</summary>
    public long Penalties => Interlocked.Read(ref _penalties);

    /// <summary>Clients remembered now (bounded by the tracked-clients setting).</summary>
    public int Tracked
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <summary>Counts a failed attempt of <paramref name="client"/>; true when its client is penalised from now on.</summary>
    public bool RecordFailure(IPAddress client)
    {
        var key = _groups.KeyOf(client);
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            var entry = Touch(key, now);
            if (entry.PenalisedUntil > now) return true;
            // Failures older than the penalty time are forgiven: the count is of recent guesses.
            if (now - entry.LastFailure >= _penaltyTime) entry.Failures = 0;
            entry.Failures++;
            entry.LastFailure = now;
            IngressMetrics.AuthFailures.Add(1);
            if (entry.Failures < _maxFailures) return false;
            entry.PenalisedUntil = now + _penaltyTime;
            entry.Failures = 0;
            Interlocked.Increment(ref _penalties);
            IngressMetrics.AuthPenalties.Add(1);
            return true;
        }
    }

    /// <summary>Whether AUTH from <paramref name="client"/> is refused now; counts the refusal when it is.</summary>
    public bool RefusesAuth(IPAddress client)
    {
        if (!IsPenalized(client)) return false;
        Interlocked.Increment(ref _refused);
        IngressMetrics.AuthRefusedPenalised.Add(1);
        return true;
    }

    public bool IsPenalized(IPAddress client)
    {
        var key = _groups.KeyOf(client);
        lock (_gate)
            return _entries.TryGetValue(key, out var node) && node.Value.PenalisedUntil > _clock.GetUtcNow();
    }

    /// <summary>Recent failures of <paramref name="client"/>'s group not yet turned into a penalty.</summary>
    public int FailuresOf(IPAddress client)
    {
        var key = _groups.KeyOf(client);
        var now = _clock.GetUtcNow();
        lock (_gate)
            return _entries.TryGetValue(key, out var node) && now - node.Value.LastFailure < _penaltyTime ? node.Value.Failures : 0;
    }

    private Entry Touch(IPAddress key, DateTimeOffset now)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            _leastRecentFirst.Remove(node);
            _leastRecentFirst.AddLast(node);
            return node.Value;
        }
        while (_entries.Count >= _maxTracked && _leastRecentFirst.First is { } oldest)
        {
            _leastRecentFirst.RemoveFirst();
            _entries.Remove(oldest.Value.Key);
        }
        node = _leastRecentFirst.AddLast(new Entry(key) { LastFailure = now - _penaltyTime });
        _entries[key] = node;
        return node.Value;
    }
}
