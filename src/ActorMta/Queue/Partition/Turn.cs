namespace ActorMta.Queue.Partition;

/// <summary>
/// The decider's working set for one turn: the decision being built (its events are applied to the
/// state at once, so later decisions in the turn see them) and the messages to look at before the
/// turn ends.
/// </summary>
internal sealed class Turn(PartitionDecision decision, PartitionState state)
{
    private readonly Queue<string> _touched = new();
    private readonly HashSet<string> _touchedSet = new(StringComparer.Ordinal);

    public PartitionDecision Decision { get; } = decision;
    public DateTimeOffset Now => Decision.Now;

    /// <summary>Where each message's last event of this turn is in the decision's events.</summary>
    private readonly Dictionary<string, int> _lastEvent = new(StringComparer.Ordinal);

    /// <summary>Applies the event now (later decisions in this turn see it) and writes it with the turn.</summary>
    public void Emit(IQueueEvent e)
    {
        state.Apply(e);
        _lastEvent[e.QueueId] = Decision.Events.Count;
        Decision.Event(e);
    }

    /// <summary>
    /// The message leaves the queue. When its last event of this turn can say so (<see cref="ICompletingEvent"/>),
    /// that event is rewritten to carry it: nothing of this message follows it in the write, so replaying the
    /// journal removes the message at the same point. Otherwise a <see cref="MessageCompleted"/> is written.
    /// </summary>
    public void Complete(string queueId)
    {
        if (_lastEvent.TryGetValue(queueId, out var index) && Decision.Events[index] is ICompletingEvent { Completes: false } last)
        {
            Decision.ReplaceEvent(index, last.Completing());
            state.Complete(queueId, Now);
        }
        else
        {
            Emit(new MessageCompleted(queueId, Now));
        }
    }

    /// <summary>The message will be looked at (dispatch, expiry, DSNs, completion) before the turn ends.</summary>
    public void Touch(string queueId)
    {
        if (_touchedSet.Add(queueId)) _touched.Enqueue(queueId);
    }

    public bool TryNextTouched(out string queueId)
    {
        if (!_touched.TryDequeue(out queueId!)) return false;
        _touchedSet.Remove(queueId);
        return true;
    }
}
