using ActorMta.Contracts;

namespace ActorMta.Queue.Partition;

/// <summary>
/// What <see cref="PartitionDecider"/> decided in one turn, as data: the events to write (already
/// applied to the state, in order), and what the actor does once they are durable (or if the write
/// fails). Nothing in here has been sent; the actor sends it after the write.
/// </summary>
public sealed class PartitionDecision(DateTimeOffset now)
{
    // Created when first needed: most turns fill two or three of these.
    private List<IQueueEvent>? _events;
    private List<DeliveryRequest>? _deliveries;
    private List<DsnRequest>? _dsns;
    private List<PartitionReply>? _replies;
    private List<PartitionRefusal>? _refusals;
    private List<TimeSpan>? _deliveredAfter;
    private List<AdminBounceLine>? _adminBounces;
    private List<string>? _completed;

    /// <summary>The turn's time: every event of the turn carries it.</summary>
    public DateTimeOffset Now { get; } = now;

    /// <summary>The journal write of this turn (one group commit).</summary>
    public IReadOnlyList<IQueueEvent> Events => (IReadOnlyList<IQueueEvent>?)_events ?? [];

    /// <summary>New dispatches to their domains' delivery actors (after the write).</summary>
    public IReadOnlyList<DeliveryRequest> Deliveries => (IReadOnlyList<DeliveryRequest>?)_deliveries ?? [];

    /// <summary>DSNs to ask the bounce stage for (after the write; asking emits no event).</summary>
    public IReadOnlyList<DsnRequest> Dsns => (IReadOnlyList<DsnRequest>?)_dsns ?? [];

    /// <summary>Answers to whoever sent a command (after the write): the intake, an operator.</summary>
    public IReadOnlyList<PartitionReply> Replies => (IReadOnlyList<PartitionReply>?)_replies ?? [];

    /// <summary>Answers that replace <see cref="Replies"/> if the write fails (accepts refused).</summary>
    public IReadOnlyList<PartitionRefusal> RefusalsIfNotDurable => (IReadOnlyList<PartitionRefusal>?)_refusals ?? [];

    /// <summary>For the time-to-delivery histogram, once durable: how long each delivered recipient was queued.</summary>
    public IReadOnlyList<TimeSpan> DeliveredAfter => (IReadOnlyList<TimeSpan>?)_deliveredAfter ?? [];

    /// <summary>Delivery-log lines for an operator's bounce of single messages (after the write).</summary>
    public IReadOnlyList<AdminBounceLine> AdminBounces => (IReadOnlyList<AdminBounceLine>?)_adminBounces ?? [];

    /// <summary>Messages that left the queue: their bodies can go (after the write).</summary>
    public IReadOnlyList<string> CompletedMessages => (IReadOnlyList<string>?)_completed ?? [];

    /// <summary>Counted at once: dispatches whose lease ran out (possible duplicates).</summary>
    public int LeasesExpired { get; internal set; }

    /// <summary>Counted at once: deliveries reported for attempts already given up on (duplicates).</summary>
    public int LateReports { get; internal set; }

    internal void Event(IQueueEvent e) => (_events ??= []).Add(e);
    internal void ReplaceEvent(int index, IQueueEvent e) => _events![index] = e;
    internal void Deliver(DeliveryRequest request) => (_deliveries ??= []).Add(request);
    internal void AskDsn(DsnRequest request) => (_dsns ??= []).Add(request);
    internal void Reply(object to, object message) => (_replies ??= []).Add(new PartitionReply(to, message));
    internal void RefuseIfNotDurable(object to, IReadOnlyList<string> queueIds) => (_refusals ??= []).Add(new PartitionRefusal(to, queueIds));
    internal void Delivered(TimeSpan inQueue) => (_deliveredAfter ??= []).Add(inQueue);
    internal void AdminBounced(AdminBounceLine line) => (_adminBounces ??= []).Add(line);
    internal void Completed(string queueId) => (_completed ??= []).Add(queueId);
}

/// <param name="To">Whoever sent the command, as the caller handed it to the decider (an actor ref, in the actor).</param>
public sealed record PartitionReply(object To, object Message);

/// <summary>If the turn's write fails: these accepts are refused (<see cref="QueuePartition.BatchNotAccepted"/>, with the failure as the reason).</summary>
public sealed record PartitionRefusal(object To, IReadOnlyList<string> QueueIds);

/// <summary>One recipient an operator bounced, as <see cref="IAdminBounceLog.AdminBounced"/> logs it.</summary>
public sealed record AdminBounceLine(DateTimeOffset At, string QueueId, string Sender, string Recipient, string Domain, RemoteReply Reply, int Attempts, TimeSpan Queued);
