namespace ActorMta.Queue.Partition;

/// <summary>
/// Which delivery actor holds each dispatch that is out, so that in-flight work follows that
/// actor: when it stops or its node is lost, its dispatches are sent again within seconds
/// instead of waiting out the lease. A dispatch nobody has claimed yet (the request is still
/// travelling, or was lost on the way to a dead node) is sent again every <see cref="ClaimTimeout"/>;
/// requests are idempotent by dispatch id, so sending one twice never delivers twice.
/// Derived, never persisted: after recovery every in-flight dispatch starts unclaimed.
/// A holder is opaque here (the actor passes the delivery actor's ref; tests pass anything).
/// </summary>
internal sealed class DeliveryClaims
{
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(5);

    /// <summary>After a holder is lost, a short pause so the shard regions learn where the domain lives now.</summary>
    public static readonly TimeSpan AfterLoss = TimeSpan.FromSeconds(1);

    private readonly Dictionary<long, object> _holderOf = [];
    private readonly Dictionary<object, HashSet<long>> _heldBy = [];
    private readonly Dictionary<long, DateTimeOffset> _unclaimed = [];

    public int Unclaimed => _unclaimed.Count;

    /// <summary>The request went out (or is about to go out again).</summary>
    public void Sent(long dispatchId, DateTimeOffset now) => _unclaimed[dispatchId] = now + ClaimTimeout;

    /// <summary>Recovered in flight: sent again at the next check.</summary>
    public void Recovered(long dispatchId) => _unclaimed[dispatchId] = DateTimeOffset.MinValue;

    /// <summary>The holder claimed the dispatch; true when the holder is new here (the caller watches it).</summary>
    public bool Claimed(long dispatchId, object holder)
    {
        if (!_unclaimed.Remove(dispatchId) && !_holderOf.ContainsKey(dispatchId)) return false; // answered already
        Forget(dispatchId);
        _holderOf[dispatchId] = holder;
        if (_heldBy.TryGetValue(holder, out var held))
        {
            held.Add(dispatchId);
            return false;
        }
        _heldBy[holder] = [dispatchId];
        return true;
    }

    /// <summary>The holder stopped or its node is gone: what it held is due again shortly. Returns how many.</summary>
    public int Lost(object holder, DateTimeOffset now)
    {
        if (!_heldBy.Remove(holder, out var held)) return 0;
        foreach (var dispatchId in held)
        {
            _holderOf.Remove(dispatchId);
            _unclaimed[dispatchId] = now + AfterLoss;
        }
        return held.Count;
    }

    /// <summary>Handed back unattempted by a stopping holder: sent again shortly, whoever holds the domain then.</summary>
    public void Returned(long dispatchId, DateTimeOffset now)
    {
        if (!_unclaimed.ContainsKey(dispatchId) && !_holderOf.ContainsKey(dispatchId)) return;
        Forget(dispatchId);
        _unclaimed[dispatchId] = now + AfterLoss;
    }

    /// <summary>The dispatch was answered (or given up on).</summary>
    public void Done(long dispatchId)
    {
        _unclaimed.Remove(dispatchId);
        Forget(dispatchId);
    }

    /// <summary>Unclaimed dispatches whose time to be sent again has come; each is rescheduled.</summary>
    public List<long> DueForResend(DateTimeOffset now)
    {
        var due = new List<long>();
        foreach (var (dispatchId, at) in _unclaimed)
            if (at <= now) due.Add(dispatchId);
        foreach (var dispatchId in due) _unclaimed[dispatchId] = now + ClaimTimeout;
        return due;
    }

    private void Forget(long dispatchId)
    {
        if (!_holderOf.Remove(dispatchId, out var holder)) return;
        if (_heldBy.TryGetValue(holder, out var held) && held.Remove(dispatchId) && held.Count == 0) _heldBy.Remove(holder);
    }
}
