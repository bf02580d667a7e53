namespace ActorMta.Smtp.Client;

/// <summary>
/// The deadline of one protocol step (RFC 5321 4.5.3.2), joined with the caller's cancellation.
/// One per connection and reused step after step, so a step costs no new token source.
/// </summary>
internal sealed class StageTimer : IDisposable
{
    private CancellationTokenSource _source = new();
    private CancellationTokenRegistration _caller;

    /// <summary>Starts a step: the token cancels after <paramref name="timeout"/> or when <paramref name="caller"/> does.</summary>
    public CancellationToken Start(TimeSpan timeout, CancellationToken caller)
    {
        if (!_source.TryReset())
        {
            // A step timed out or was cancelled: a cancelled source cannot be reused.
            _source.Dispose();
            _source = new CancellationTokenSource();
        }
        _caller = caller.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), _source);
        _source.CancelAfter(timeout);
        return _source.Token;
    }

    /// <summary>Ends the step: the timer no longer runs while the connection waits in a pool.</summary>
    public void Stop()
    {
        _caller.Dispose();
        _caller = default;
        _source.TryReset();
    }

    public void Dispose()
    {
        _caller.Dispose();
        _source.Dispose();
    }
}
