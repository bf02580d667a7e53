namespace ActorMta.Delivery.Dns;

/// <summary>
/// Resolutions by domain, each kept for its own TTL, at most <c>capacity</c> of them (least recently used out first).
/// Concurrent requests for a domain that is being looked up share that one lookup.
/// </summary>
internal sealed class ResolutionCache(int capacity, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _byRecency = [];
    private readonly Dictionary<string, Task<MailExchangerResolution>> _inFlight = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The cached resolution of <paramref name="domain"/>, the lookup already running for it, or a new lookup.</summary>
    public Task<MailExchangerResolution> GetOrLookUpAsync(string domain, Func<string, Task<TimedResolution>> lookUp)
    {
        TaskCompletionSource<MailExchangerResolution> pending;
        lock (_gate)
        {
            if (TryGetFresh(domain) is { } cached)
            {
                return Task.FromResult(cached);
            }

            if (_inFlight.TryGetValue(domain, out var shared))
            {
                return shared;
            }

            pending = new TaskCompletionSource<MailExchangerResolution>(TaskCreationOptions.RunContinuationsAsynchronously);
            _inFlight[domain] = pending.Task;
        }

        _ = CompleteAsync(domain, lookUp, pending);
        return pending.Task;
    }

    private async Task CompleteAsync(string domain, Func<string, Task<TimedResolution>> lookUp, TaskCompletionSource<MailExchangerResolution> pending)
    {
        try
        {
            var result = await lookUp(domain).ConfigureAwait(false);
            lock (_gate)
            {
                _inFlight.Remove(domain);
                Store(domain, result);
            }

            pending.SetResult(result.Resolution);
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _inFlight.Remove(domain);
            }

            pending.SetException(e);
        }
    }

    private MailExchangerResolution? TryGetFresh(string domain)
    {
        if (!_entries.TryGetValue(domain, out var node))
        {
            return null;
        }

        if (clock.GetUtcNow() >= node.Value.ExpiresAt)
        {
            Remove(node);
            return null;
        }

        _byRecency.Remove(node);
        _byRecency.AddFirst(node);
        return node.Value.Resolution;
    }

    private void Store(string domain, TimedResolution result)
    {
        if (_entries.TryGetValue(domain, out var existing))
        {
            Remove(existing);
        }

        if (result.TimeToLive <= TimeSpan.Zero)
        {
            return;
        }

        while (_entries.Count >= capacity && _byRecency.Last is { } oldest)
        {
            Remove(oldest);
        }

        _entries[domain] = _byRecency.AddFirst(new Entry(domain, result.Resolution, clock.GetUtcNow() + result.TimeToLive));
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _byRecency.Remove(node);
        _entries.Remove(node.Value.Domain);
    }

    private sealed record Entry(string Domain, MailExchangerResolution Resolution, DateTimeOffset ExpiresAt);
}
