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

    /// <summary>Applies the event now (later decisions in this turn see it) and writes it with the turn.</summary>
    public void Emit(IQueueEvent e)
    {
        state.Apply(e);
        Decision.Event(e);
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
