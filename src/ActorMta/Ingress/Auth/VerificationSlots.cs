namespace ActorMta.Ingress.Auth;

/// <summary>
/// Bounds the password checks (PBKDF2, slow on purpose) a node runs at once: at most <c>parallel</c>
/// on the thread pool, at most <c>queued</c> more waiting; past that a check is refused at once
/// (the session answers 454 4.7.0), so a flood of AUTH cannot take the node's CPU or grow a queue.
/// </summary>
public sealed class VerificationSlots
{
    private readonly SemaphoreSlim _running;
    private readonly int _capacity;
    private int _admitted;
    private long _refused;

    public VerificationSlots(int parallel, int queued)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallel, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queued);
        _running = new SemaphoreSlim(parallel, parallel);
        _capacity = parallel + queued;
    }

    /// <summary>Checks running or waiting now.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Checks refused because all slots and the queue were taken, since start.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Runs <paramref name="check"/> on the thread pool when a slot is free; null when refused (saturated).</summary>
    public async Task<T?> RunAsync<T>(Func<T> check) where T : struct
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            Interlocked.Increment(ref _refused);
            IngressMetrics.AuthRefusedBusy.Add(1);
            return null;
        }
        try
        {
            await _running.WaitAsync().ConfigureAwait(false);
            try
            {
                return await Task.Run(check).ConfigureAwait(false);
            }
            finally
            {
                _running.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
        }
    }
}
