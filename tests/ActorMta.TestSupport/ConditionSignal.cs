namespace ActorMta.TestSupport;

/// <summary>
/// Lets a test await a condition on a server's recorded state with a deadline, without sleeping:
/// the server calls <see cref="Notify"/> after every change and the waiters whose condition now holds are released.
/// </summary>
public sealed class ConditionSignal
{
    private readonly Lock _gate = new();
    private readonly List<Waiter> _waiters = [];

    /// <summary>Re-checks every pending condition; call after each change of the observed state.</summary>
    public void Notify()
    {
        List<Waiter>? satisfied = null;
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (!_waiters[i].Condition())
                {
                    continue;
                }

                (satisfied ??= []).Add(_waiters[i]);
                _waiters.RemoveAt(i);
            }
        }

        // Completed outside the lock: continuations run asynchronously anyway, but keep the lock short.
        satisfied?.ForEach(w => w.Completion.TrySetResult());
    }

    /// <summary>Completes when <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> naming <paramref name="description"/> after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string description)
    {
        var waiter = new Waiter(condition, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            if (condition())
            {
                return;
            }

            _waiters.Add(waiter);
        }

        try
        {
            await waiter.Completion.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }

            throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.###} s waiting for {description}.");
        }
    }

    private sealed record Waiter(Func<bool> Condition, TaskCompletionSource Completion);
}
