using System.Data.Common;

namespace ActorMta.Queue.Bodies;

/// <summary>
/// The one writer of a node's body store. Stores (the intake's batches) and deletes (completed
/// messages) queue here and go to the database together, one transaction per round: SQLite has
/// one writer per file, and a writer per caller only made the intake and sixteen partitions wait
/// on each other's locks and pay an fsync each (measured: accepts slowed tenfold once delivery
/// ran). The loop runs on a pool thread, never on an actor's (SQLite's ADO.NET calls block), and
/// ends when there is nothing to write.
/// </summary>
internal sealed class BodyWriter(MessageBodyStore store)
{
    /// <summary>Most rows per transaction: a round stays short, so a store never waits long behind deletes.</summary>
    private const int MaxStoresPerRound = 2000;
    private const int MaxDeletesPerRound = 5000;
    /// <summary>Most body octets per transaction (past the first store): large spooled bodies do not make one huge round.</summary>
    private const long MaxBytesPerRound = 64L * 1024 * 1024;

    private sealed record StoreRequest(IReadOnlyList<StoredBody> Bodies, DateTimeOffset StoredAt, TaskCompletionSource Done, CancellationToken Cancellation);

    private readonly Lock _lock = new();
    private readonly Queue<StoreRequest> _stores = new();
    private readonly Queue<(string QueueId, TaskCompletionSource? Done)> _deletes = new();
    private bool _running;

    /// <summary>
    /// Completes when the bodies are committed (durably on SQLite; see <see cref="MessageBodyStore"/> for PostgreSQL).
    /// Spool files of the bodies are the writer's from here: deleted after their round, whatever its outcome
    /// (a cancelled wait does not stop the write).
    /// </summary>
    public Task StoreAsync(IReadOnlyList<StoredBody> bodies, DateTimeOffset storedAt, CancellationToken cancellation)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _stores.Enqueue(new StoreRequest(bodies, storedAt, done, cancellation));
            StartIfIdle();
        }
        return done.Task.WaitAsync(cancellation);
    }

    /// <summary>Completes when the deletes are committed; a failed round leaves them to the orphan sweep.</summary>
    public Task DeleteAsync(IReadOnlyCollection<string> queueIds, CancellationToken cancellation)
    {
        if (queueIds.Count == 0) return Task.CompletedTask;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            var last = queueIds.Count - 1;
            var i = 0;
            foreach (var queueId in queueIds) _deletes.Enqueue((queueId, i++ == last ? done : null));
            StartIfIdle();
        }
        return done.Task.WaitAsync(cancellation);
    }

    private static void Abandon(StoreRequest request)
    {
        foreach (var body in request.Bodies) body.Spooled?.Delete();
        request.Done.TrySetCanceled(request.Cancellation);
    }

    private void StartIfIdle()
    {
        if (_running) return;
        _running = true;
        _ = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        DbConnection? connection = null;
        try
        {
            while (true)
            {
                List<StoreRequest> stores = [];
                List<StoreRequest> abandoned = [];
                List<(string QueueId, TaskCompletionSource? Done)> deletes = [];
                lock (_lock)
                {
                    var rows = 0;
                    var bytes = 0L;
                    while (rows < MaxStoresPerRound && bytes < MaxBytesPerRound && _stores.TryDequeue(out var request))
                    {
                        if (request.Cancellation.IsCancellationRequested)
                        {
                            // Its callers gave up (their clients heard 451): writing it would only delay the others.
                            abandoned.Add(request);
                            continue;
                        }
                        stores.Add(request);
                        rows += request.Bodies.Count;
                        bytes += request.Bodies.Sum(b => b.Length);
                    }
                    while (deletes.Count < MaxDeletesPerRound && _deletes.TryDequeue(out var delete)) deletes.Add(delete);
                }
                // Abandoned requests' spool files go before the writer may be seen idle: a store queued after this
                // round must not find the writer stopped while an earlier one's file is still on disk.
                foreach (var request in abandoned) Abandon(request);
                if (stores.Count == 0 && deletes.Count == 0)
                {
                    lock (_lock)
                    {
                        if (_stores.Count > 0 || _deletes.Count > 0) continue; // queued meanwhile: another round
                        _running = false;
                    }
                    return;
                }
                Exception? failure = null;
                try
                {
                    connection ??= await store.OpenWriterAsync(CancellationToken.None).ConfigureAwait(false);
                    await store.WriteRoundAsync(connection, stores.Select(s => (s.Bodies, s.StoredAt)), deletes.Select(d => d.QueueId)).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // The connection may be broken: the next round opens a new one.
                    if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
                    connection = null;
                    failure = e;
                }
                // Stored or not, a spool file's job is over (the client hears 250 or 451 by the request's outcome);
                // it goes before the callers hear, so no caller sees a spool file of a finished request.
                foreach (var request in stores)
                    foreach (var body in request.Bodies) body.Spooled?.Delete();
                foreach (var request in stores)
                    if (failure is null) request.Done.TrySetResult(); else request.Done.TrySetException(failure);
                foreach (var (_, done) in deletes)
                    if (failure is null) done?.TrySetResult(); else done?.TrySetException(failure);
            }
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
