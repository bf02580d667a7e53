using ActorMta.Delivery.Connections;
using Akka.Actor;
using ActorMta.Contracts;

namespace ActorMta.Delivery;

/// <summary>
/// Claims: the domain's actor tells each partition which of its dispatches it holds (the
/// partition watches it and sends them again if it is lost), answers a request that comes again
/// without attempting it twice, and hands back what it never attempted when it stops or moves.
/// </summary>
public sealed partial class DomainDelivery
{
    private sealed record FlushClaims
    {
        public static readonly FlushClaims Instance = new();
    }

    /// <summary>Requests in the backlog or on a connection, by partition and dispatch id.</summary>
    private readonly HashSet<(int Partition, long DispatchId)> _held = [];
    private readonly RecentReports _recentReports = new();
    private readonly Dictionary<int, List<long>> _claimsToSend = [];

    /// <summary>A request that came again (its partition restarted, or had no claim yet): claimed again or answered again, never attempted twice.</summary>
    private bool AlreadyHandled(DeliveryRequest request)
    {
        var key = (request.Partition, request.DispatchId);
        if (_held.Contains(key))
        {
            QueueClaim(key);
            return true;
        }
        if (!_recentReports.TryGet(key, out var report)) return false;
        _reports.Tell(report with { Repeat = true });
        return true;
    }

    private void Hold(DeliveryRequest request)
    {
        var key = (request.Partition, request.DispatchId);
        _held.Add(key);
        QueueClaim(key);
    }

    private void Reported(DeliveryRequest request, DeliveryReport report, DateTimeOffset now)
    {
        var key = (request.Partition, request.DispatchId);
        _held.Remove(key);
        // Returned work may come back here (a hand-off in progress) and is then returned again, not answered from memory.
        if (report.Results[0].Outcome != DeliveryOutcome.Returned) _recentReports.Add(key, report, now);
    }

    /// <summary>Claims go out in one message per partition for whatever arrived in the mailbox meanwhile.</summary>
    private void QueueClaim((int Partition, long DispatchId) key)
    {
        if (_claimsToSend.Count == 0) Self.Tell(FlushClaims.Instance);
        if (!_claimsToSend.TryGetValue(key.Partition, out var ids)) _claimsToSend[key.Partition] = ids = [];
        ids.Add(key.DispatchId);
    }

    private void SendClaims()
    {
        foreach (var (partition, ids) in _claimsToSend) _reports.Tell(new DeliveryClaimed(partition, ids));
        _claimsToSend.Clear();
    }

    protected override void PostStop()
    {
        // Children stop with this actor: whatever they or the backlog still hold goes back to the queue.
        ReturnWaiting();
        DeliveryMetrics.Connections(Self, _domain, 0);
        foreach (var connection in _pool.All)
            if (connection.Carrying is { } request)
                AnswerAll(request, DeliveryOutcome.Deferred, Replies.ConnectionLost(connection.Host ?? _domain, "delivery stopped"));
    }

    /// <summary>Everything still waiting goes back unattempted (stopping or moving): no attempt counted, no retry delay.</summary>
    private void ReturnWaiting()
    {
        while (_backlog.TryDequeue(out var waiting)) AnswerAll(waiting.Request, DeliveryOutcome.Returned, Moving);
    }

    private sealed record AnnounceReadyAgain
    {
        public static readonly AnnounceReadyAgain Instance = new();
    }

    /// <summary>Said again a few times: a partition that was moving between nodes may have missed it.</summary>
    private static readonly TimeSpan[] ReadyRepeats = [TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];

    /// <summary>A suspension ended early: every partition's waiting mail for the domain is due now.</summary>
    private void AnnounceReady()
    {
        TellPartitionsReady();
        for (var i = 0; i < ReadyRepeats.Length; i++) Timers.StartSingleTimer($"ready-again-{i}", AnnounceReadyAgain.Instance, ReadyRepeats[i]);
    }

    private void TellPartitionsReady()
    {
        // Under an admin bounce the waiting mail is to come (and fail) even while the domain is suspended.
        if (_backoff.IsSuspended(Now) && !_backoff.IsBounced(Now)) return;
        for (var partition = 0; partition < _context.QueuePartitions; partition++) _reports.Tell(new DomainReady(partition, _domain));
    }
}

/// <summary>
/// The reports sent lately, so that a request that comes again (a partition that moved or
/// restarted asks for what it had out) gets the same answer instead of a second attempt.
/// Bounded by count and age: a partition asks again within seconds of starting.
/// </summary>
internal sealed class RecentReports
{
    private const int Capacity = 50_000;
    private static readonly TimeSpan Keep = TimeSpan.FromMinutes(2);

    private readonly Dictionary<(int, long), (DeliveryReport Report, DateTimeOffset At)> _byDispatch = [];
    private readonly Queue<((int, long) Key, DateTimeOffset At)> _order = new();

    public void Add((int, long) key, DeliveryReport report, DateTimeOffset now)
    {
        _byDispatch[key] = (report, now);
        _order.Enqueue((key, now));
        while (_order.TryPeek(out var oldest) && (_order.Count > Capacity || now - oldest.At > Keep))
        {
            _order.Dequeue();
            // Only if it was not reported again since.
            if (_byDispatch.TryGetValue(oldest.Key, out var kept) && kept.At == oldest.At) _byDispatch.Remove(oldest.Key);
        }
    }

    public bool TryGet((int, long) key, out DeliveryReport report)
    {
        var found = _byDispatch.TryGetValue(key, out var kept);
        report = kept.Report;
        return found;
    }
}
