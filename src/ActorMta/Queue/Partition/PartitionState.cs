using ActorMta.Delivery;
using ActorMta.Contracts;

namespace ActorMta.Queue.Partition;

/// <summary>
/// Everything a partition knows, rebuilt from its journal (and snapshots) by <see cref="Apply"/>.
/// Pure event application: no clocks, no randomness, no I/O.
/// </summary>
public sealed class PartitionState
{
    public const int MaxHistoryPerMessage = 64;

    public Dictionary<string, QueuedMessage> Messages { get; } = new(StringComparer.Ordinal);
    public long LastDispatchId { get; private set; }
    public LinkedList<CompletedMessage> RecentlyCompleted { get; } = new();
    public int RecentlyCompletedLimit { get; init; } = 1000;
    /// <summary>How long a dispatched recipient waits for its delivery report before it is tried again.</summary>
    public TimeSpan DeliveryLease { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Repeated envelope strings (sender, client, HELO) are kept once per partition.</summary>
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<SubmittingClient, SubmittingClient> _clients = [];

    public void Apply(IQueueEvent e)
    {
        switch (e)
        {
            case MessageAccepted accepted:
                Accept(accepted);
                break;
            case AttemptStarted attempt when Messages.TryGetValue(attempt.QueueId, out var message):
                LastDispatchId = Math.Max(LastDispatchId, attempt.DispatchId);
                foreach (var index in attempt.Recipients)
                {
                    var recipient = message.Recipients[index];
                    recipient.Status = RecipientStatus.InFlight;
                    recipient.Attempts++;
                    recipient.DispatchId = attempt.DispatchId;
                    recipient.DueAt = attempt.At + DeliveryLease;
                }
                Record(message, attempt.At, "attempt", $"recipients {string.Join(",", attempt.Recipients)} dispatch {attempt.DispatchId}");
                break;
            case RecipientDelivered delivered when Messages.TryGetValue(delivered.QueueId, out var message):
                Finish(message, delivered.Recipient, RecipientStatus.Delivered, delivered.Reply, delivered.RemoteHost, delivered.At);
                break;
            case RecipientFailed failed when Messages.TryGetValue(failed.QueueId, out var message):
                Finish(message, failed.Recipient, RecipientStatus.Failed, failed.Reply, failed.RemoteHost, failed.At);
                break;
            case RecipientExpired expired when Messages.TryGetValue(expired.QueueId, out var message):
                Finish(message, expired.Recipient, RecipientStatus.Expired, message.Recipients[expired.Recipient].LastReply, null, expired.At);
                break;
            case RecipientDeferred deferred when Messages.TryGetValue(deferred.QueueId, out var message):
            {
                var recipient = message.Recipients[deferred.Recipient];
                recipient.Status = RecipientStatus.Deferred;
                recipient.DueAt = deferred.RetryAt;
                recipient.LastReply = deferred.Reply;
                recipient.LastRemoteHost = deferred.RemoteHost;
                Record(message, deferred.At, "deferred", $"{Address(message, deferred.Recipient)}: {deferred.Reply}{Via(deferred.RemoteHost)}; retry at {deferred.RetryAt:u}");
                break;
            }
            case RecipientsDue due when Messages.TryGetValue(due.QueueId, out var message):
                for (var i = 0; i < message.Recipients.Length; i++)
                {
                    var recipient = message.Recipients[i];
                    if (recipient.IsWaiting && recipient.DueAt > due.At && message.Envelope.Recipients[i].Domain == due.Domain) recipient.DueAt = due.At;
                }
                Record(message, due.At, "due", $"{due.Domain} is ready again: its recipients are due now");
                break;
            case DsnQueued dsn when Messages.TryGetValue(dsn.QueueId, out var message):
                foreach (var index in dsn.Recipients) message.Recipients[index].DsnQueued |= ToFlag(dsn.Kind);
                Record(message, dsn.At, "dsn", $"{dsn.Kind.ToString().ToLowerInvariant()} DSN queued as {dsn.DsnQueueId} for recipients {string.Join(",", dsn.Recipients)}");
                break;
            case MessageCompleted completed:
                Complete(completed.QueueId, completed.At);
                break;
        }
        if (e is ICompletingEvent { Completes: true }) Complete(e.QueueId, e.At);
    }

    /// <summary>The message leaves the queue; it is kept, summarised, among the recently completed.</summary>
    internal void Complete(string queueId, DateTimeOffset at)
    {
        if (!Messages.Remove(queueId, out var message)) return;
        Record(message, at, "completed", "");
        RecentlyCompleted.AddFirst(new CompletedMessage(message.QueueId, at, message.Envelope,
            message.Recipients.Select((r, i) => $"{Address(message, i)}: {r.Status.ToString().ToLowerInvariant()}").ToArray(), HistoryOf(message)));
        while (RecentlyCompleted.Count > RecentlyCompletedLimit) RecentlyCompleted.RemoveLast();
    }

    /// <summary>A snapshot restores the messages as they were; the derived indexes are rebuilt by the caller.</summary>
    public void Restore(PartitionSnapshot snapshot)
    {
        Messages.Clear();
        foreach (var message in snapshot.Messages)
            Messages[message.QueueId] = new QueuedMessage
            {
                QueueId = message.QueueId,
                Envelope = Interned(message.Envelope),
                Size = message.Size,
                AcceptedAt = message.AcceptedAt,
                ExpiresAt = message.ExpiresAt,
                Recipients = message.Recipients,
                // Snapshots taken before the "accepted" line was derived carry it: drop it, it is derived now.
                History = message.History is [{ Event: "accepted" }, .. var rest] ? (rest.Count > 0 ? rest : null) : message.History,
            };
        LastDispatchId = snapshot.LastDispatchId;
        RecentlyCompleted.Clear();
        foreach (var completed in snapshot.RecentlyCompleted) RecentlyCompleted.AddLast(completed);
    }

    public PartitionSnapshot ToSnapshot() => new(LastDispatchId, Messages.Values.ToArray(), RecentlyCompleted.ToArray());

    private void Accept(MessageAccepted accepted)
    {
        if (Messages.ContainsKey(accepted.QueueId)) return;
        var envelope = Interned(accepted.Envelope);
        var message = new QueuedMessage
        {
            QueueId = accepted.QueueId,
            Envelope = envelope,
            Size = accepted.Size,
            AcceptedAt = accepted.At,
            ExpiresAt = accepted.ExpiresAt,
            Recipients = accepted.Envelope.Recipients.Select(_ => new RecipientState { Status = RecipientStatus.Pending, DueAt = accepted.At }).ToArray(),
        };
        Messages.Add(message.QueueId, message);
    }

    /// <summary>The message's life for the queue API: the accept, then what was recorded after it.</summary>
    public static IReadOnlyList<HistoryEntry> HistoryOf(QueuedMessage message)
    {
        var envelope = message.Envelope;
        var sender = envelope.HasNullReversePath ? "<>" : envelope.ReversePath;
        HistoryEntry accepted = new(message.AcceptedAt, "accepted",
            $"from {sender} for {envelope.Recipients.Count} recipient(s), {message.Size} bytes, client {envelope.Client.Address}");
        return [accepted, .. message.History ?? []];
    }

    private static void Finish(QueuedMessage message, int index, RecipientStatus status, RemoteReply? reply, string? remoteHost, DateTimeOffset at)
    {
        var recipient = message.Recipients[index];
        if (recipient.IsFinal) return;
        recipient.Status = status;
        recipient.LastReply = reply ?? recipient.LastReply;
        recipient.LastRemoteHost = remoteHost ?? recipient.LastRemoteHost;
        recipient.FinalAt = at;
        Record(message, at, status.ToString().ToLowerInvariant(), $"{Address(message, index)}: {reply?.ToString() ?? "no reply"}{Via(remoteHost)}");
    }

    private static void Record(QueuedMessage message, DateTimeOffset at, string what, string detail)
    {
        var history = message.History ??= new List<HistoryEntry>(2);
        if (history.Count >= MaxHistoryPerMessage - 1) history.RemoveAt(0); // the derived "accepted" line makes it MaxHistoryPerMessage
        history.Add(new HistoryEntry(at, what, detail));
    }

    private static string Address(QueuedMessage message, int index) => message.Envelope.Recipients[index].Address;

    private static string Via(string? host) => host is null ? "" : $" (from {host})";

    /// <summary>A deep queue repeats the same few clients and senders: each is kept once (a client record is some 200 bytes with its strings).</summary>
    private SmtpEnvelope Interned(SmtpEnvelope envelope) => envelope with
    {
        ReversePath = Intern(envelope.ReversePath),
        Client = InternClient(envelope.Client),
    };

    private SubmittingClient InternClient(SubmittingClient client)
    {
        if (_clients.TryGetValue(client, out var kept)) return kept;
        if (_clients.Count < 10_000) _clients[client] = client;
        return client;
    }

    private string Intern(string value)
    {
        if (_strings.TryGetValue(value, out var kept)) return kept;
        if (_strings.Count < 10_000) _strings[value] = value;
        return value;
    }

    public static DsnKinds ToFlag(DsnKind kind) => kind switch
    {
        DsnKind.Failure => DsnKinds.Failure,
        DsnKind.Delay => DsnKinds.Delay,
        _ => DsnKinds.Success,
    };
}

public sealed record PartitionSnapshot(long LastDispatchId, IReadOnlyList<QueuedMessage> Messages, IReadOnlyList<CompletedMessage> RecentlyCompleted);
