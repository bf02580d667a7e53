namespace ActorMta.Queue.Partition;

/// <summary>
/// One mailbox turn of a partition: the events it decided (applied to the state at once, written
/// to the journal together), the messages to look at, and what to do once the write is durable
/// (replies, dispatches) or if it fails (refusals).
/// </summary>
internal sealed class Turn(DateTimeOffset now, PartitionState state)
{
    private readonly List<Action> _afterCommit = [];
    private readonly List<Action<string>> _onFailure = [];
    private readonly Queue<string> _touched = new();
    private readonly HashSet<string> _touchedSet = new(StringComparer.Ordinal);

    public DateTimeOffset Now { get; } = now;
    public List<IQueueEvent> Events { get; } = [];
    public List<string> CompletedMessages { get; } = [];

    /// <summary>Applies the event now (later decisions in this turn see it) and writes it with the turn.</summary>
    public void Emit(IQueueEvent e)
    {
        state.Apply(e);
        Events.Add(e);
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

    public void Completed(string queueId) => CompletedMessages.Add(queueId);

    public void AfterCommit(Action effect) => _afterCommit.Add(effect);

    public void OnFailure(Action<string> effect) => _onFailure.Add(effect);

    public void RunAfterCommit()
    {
        foreach (var effect in _afterCommit) effect();
    }

    public void RunOnFailure(string reason)
    {
        foreach (var effect in _onFailure) effect(reason);
    }
}
