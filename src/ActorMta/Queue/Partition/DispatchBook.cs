using ActorMta.Contracts;
namespace ActorMta.Queue.Partition;

/// <summary>
/// The partition's derived indexes for scheduling, rebuilt from the state after recovery and
/// never persisted: when each message is next due, which dispatches are out per domain, and
/// which messages wait for a free slot of their domain.
/// </summary>
internal sealed class DispatchBook(PartitionState state)
{
    private readonly PriorityQueue<string, DateTimeOffset> _due = new();
    private readonly Dictionary<string, DateTimeOffset> _dueAt = new(StringComparer.Ordinal);
    private readonly Dictionary<long, (string QueueId, string Domain)> _dispatches = [];
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<string>> _waitingForSlot = new(StringComparer.Ordinal);
    private readonly HashSet<string> _waiting = new(StringComparer.Ordinal);

    public void Rebuild()
    {
        _due.Clear();
        _dueAt.Clear();
        _dispatches.Clear();
        _inFlight.Clear();
        _waitingForSlot.Clear();
        _waiting.Clear();
        foreach (var message in state.Messages.Values)
        {
            for (var i = 0; i < message.Recipients.Length; i++)
            {
                var recipient = message.Recipients[i];
                if (recipient.Status == RecipientStatus.InFlight && !_dispatches.ContainsKey(recipient.DispatchId))
                    Dispatched(recipient.DispatchId, message.QueueId, message.Envelope.Recipients[i].Domain);
            }
            // Look at every message once after recovery: due work resumes, expiries and owed DSNs are found.
            DueAt(message.QueueId, DateTimeOffset.MinValue);
        }
    }

    public void DueAt(string queueId, DateTimeOffset at)
    {
        _dueAt[queueId] = at;
        _due.Enqueue(queueId, at);
    }

    public DateTimeOffset? EarliestDue()
    {
        while (_due.TryPeek(out var queueId, out var at))
        {
            if (IsCurrent(queueId, at)) return at;
            _due.Dequeue();
        }
        return null;
    }

    public void TakeDue(DateTimeOffset now, Turn turn)
    {
        while (_due.TryPeek(out var queueId, out var at) && at <= now)
        {
            _due.Dequeue();
            if (!IsCurrent(queueId, at)) continue;
            _dueAt.Remove(queueId);
            turn.Touch(queueId);
        }
    }

    private bool IsCurrent(string queueId, DateTimeOffset at) =>
        state.Messages.ContainsKey(queueId) && _dueAt.TryGetValue(queueId, out var current) && current == at;

    public int InFlight(string domain) => _inFlight.GetValueOrDefault(domain);

    /// <summary>Every dispatch that is out.</summary>
    public IEnumerable<long> DispatchIds => _dispatches.Keys;

    public bool TryGetDispatch(long dispatchId, out string queueId, out string domain)
    {
        var found = _dispatches.TryGetValue(dispatchId, out var dispatch);
        (queueId, domain) = found ? dispatch : ("", "");
        return found;
    }

    public void Dispatched(long dispatchId, string queueId, string domain)
    {
        _dispatches[dispatchId] = (queueId, domain);
        _inFlight[domain] = InFlight(domain) + 1;
    }

    /// <summary>A dispatch is answered or abandoned: its domain slot goes to the longest-waiting message.</summary>
    public void Release(long dispatchId, Turn turn)
    {
        if (!_dispatches.Remove(dispatchId, out var dispatch)) return;
        var left = InFlight(dispatch.Domain) - 1;
        if (left > 0) _inFlight[dispatch.Domain] = left;
        else _inFlight.Remove(dispatch.Domain);
        if (!_waitingForSlot.TryGetValue(dispatch.Domain, out var waiting)) return;
        while (waiting.TryDequeue(out var next))
        {
            if (!_waiting.Remove(next) || !state.Messages.ContainsKey(next)) continue;
            turn.Touch(next);
            break;
        }
        if (waiting.Count == 0) _waitingForSlot.Remove(dispatch.Domain);
    }

    public void WaitForSlot(string domain, string queueId)
    {
        if (!_waiting.Add(queueId)) return;
        if (!_waitingForSlot.TryGetValue(domain, out var waiting)) _waitingForSlot[domain] = waiting = new Queue<string>();
        waiting.Enqueue(queueId);
    }

    public bool IsWaitingForSlot(string queueId) => _waiting.Contains(queueId);

    /// <summary>The message is being looked at anyway; it queues for a slot again if it still needs one.</summary>
    public void StopWaiting(string queueId) => _waiting.Remove(queueId);
}
