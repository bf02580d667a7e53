namespace ActorMta.Delivery.State;

/// <summary>
/// Writes state at most once per <c>every</c>: the first change after a write arms a timer, the changes before it
/// fires ride along. Writes never overlap. <see cref="Dispose"/> writes what is still pending (a clean stop keeps
/// everything; a kill -9 loses at most the last interval).
/// </summary>
public sealed class CoalescedWrites(Action write, TimeSpan every, TimeProvider clock, Action<Exception>? failed = null) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Lock _writing = new();
    private ITimer? _timer;
    private bool _pending;
    private bool _disposed;

    public void Changed()
    {
        lock (_gate)
        {
            if (_pending || _disposed) return;
            _pending = true;
            _timer?.Dispose();
            _timer = clock.CreateTimer(_ => Flush(), null, every, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Writes now if anything changed since the last write.</summary>
    public void Flush()
    {
        lock (_writing)
        {
            lock (_gate)
            {
                if (!_pending) return;
                _pending = false;
            }
            try
            {
                write();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed?.Invoke(e);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
        }
        Flush();
    }
}
