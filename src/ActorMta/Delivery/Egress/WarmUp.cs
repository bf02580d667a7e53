namespace ActorMta.Delivery.Egress;

/// <summary>
/// IP warm-up on this node: each source with a schedule may send so many messages a UTC day to each provider group
/// (day 1 = the first day it sent to that group, counted in calendar days from then). The domains' delivery actors
/// share one instance (a provider serves many domains), so taking a message is atomic. Counts are per node, because
/// source addresses are; they survive a restart through <see cref="WarmUpFile"/>, written by <see cref="State.CoalescedWrites"/>
/// (as the TLS-RPT book is) at most once per <see cref="WarmUpSettings.WriteInterval"/> while counts change (each write is
/// an fsync: under steady sending, one per message would be a continuous fsync loop). A kill -9 may lose up to that
/// interval of counts; a clean stop writes all.
/// </summary>
public sealed class WarmUp : IAsyncDisposable
{
    /// <summary>A source's day with one provider group: the messages it sent today (<paramref name="Day"/>) and the schedule's first day.</summary>
    public sealed record Usage(string Source, string Group, DateOnly FirstDay, DateOnly Day, int Sent);

    /// <param name="DayNumber">1 on the schedule's first day.</param>
    /// <param name="Cap">Today's cap; null: no cap (no schedule, or past its last day).</param>
    public sealed record SourceToday(string Source, string Group, int DayNumber, int Sent, int? Cap);

    private readonly object _lock = new();
    private readonly Dictionary<(string Source, string Group), Usage> _usage = [];
    /// <summary>The file's writes: at most one per write interval, on a timer thread; null: no file.</summary>
    private readonly State.CoalescedWrites? _writes;

    public WarmUp(WarmUpSettings settings, TimeProvider clock) : this(settings, clock, null, TimeProvider.System) { }

    /// <param name="save">Instead of the file (tests count the writes).</param>
    /// <param name="writeClock">Whose timer spaces the writes (tests advance it); <paramref name="clock"/> only says which day it is.</param>
    internal WarmUp(WarmUpSettings settings, TimeProvider clock, Action<IReadOnlyList<Usage>>? save, TimeProvider writeClock)
    {
        Settings = settings;
        Clock = clock;
        if (save is null && settings.File is { } path)
        {
            var file = new WarmUpFile(path);
            foreach (var usage in file.Load()) _usage[(usage.Source, usage.Group)] = usage;
            save = usage =>
            {
                try
                {
                    file.Save(usage);
                    LastWriteError = null;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    LastWriteError = $"{file.Path}: {e.Message}";
                }
            };
        }
        if (save is not null)
            _writes = new State.CoalescedWrites(() =>
            {
                Usage[] snapshot;
                lock (_lock) snapshot = [.. _usage.Values];
                save(snapshot);
            }, settings.WriteInterval, writeClock);
    }

    public WarmUpSettings Settings { get; }

    /// <summary>Whose "today" counts: the node's clock, or a test's.</summary>
    public TimeProvider Clock { get; }

    private DateOnly Today => DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);

    /// <summary>When today's caps are lifted: the next UTC midnight.</summary>
    public DateTimeOffset NextDay => new(Today.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The provider group of a route's MX host names, or null (not a provider with warm-up caps).</summary>
    public string? GroupOf(IEnumerable<string> hosts) => Settings.GroupOf(hosts);

    /// <summary>Whether the source has reached today's cap for the group.</summary>
    public bool IsCapped(EgressSource source, string group)
    {
        lock (_lock) return Current(source.Name, group) is { Cap: { } cap } today && today.Sent >= cap;
    }

    /// <summary>Counts one message from the source to the group if today's cap allows it.</summary>
    public bool TryTake(EgressSource source, string group)
    {
        if (!Settings.Schedules.ContainsKey(source.Name)) return true;
        lock (_lock)
        {
            var today = Current(source.Name, group)!;
            if (today.Cap is { } cap && today.Sent >= cap) return false;
            var day = Today;
            var first = _usage.TryGetValue((source.Name, group), out var kept) ? kept.FirstDay : day;
            _usage[(source.Name, group)] = new Usage(source.Name, group, first, day, today.Sent + 1);
            Changed();
            return true;
        }
    }

    /// <summary>Gives back a message counted by <see cref="TryTake"/> that did not go out after all.</summary>
    public void Release(EgressSource source, string group)
    {
        lock (_lock)
        {
            if (!_usage.TryGetValue((source.Name, group), out var usage) || usage.Day != Today || usage.Sent == 0) return;
            _usage[(source.Name, group)] = usage with { Sent = usage.Sent - 1 };
            Changed();
        }
    }

    /// <summary>Today's count and cap for every source with a schedule and every provider group (for the API).</summary>
    public IReadOnlyList<SourceToday> TodayAll()
    {
        lock (_lock)
            return [.. Settings.Schedules.Keys.Order(StringComparer.Ordinal)
                .SelectMany(source => Settings.Providers.Select(group => Current(source, group.Name)!))];
    }

    /// <summary>Today for one source and group; null for a source without a schedule.</summary>
    private SourceToday? Current(string source, string group)
    {
        if (!Settings.Schedules.TryGetValue(source, out var schedule)) return null;
        var today = Today;
        _usage.TryGetValue((source, group), out var usage);
        var dayNumber = usage is null ? 1 : Math.Max(1, today.DayNumber - usage.FirstDay.DayNumber + 1);
        var sent = usage is not null && usage.Day == today ? usage.Sent : 0;
        return new SourceToday(source, group, dayNumber, sent, dayNumber <= schedule.Count ? schedule[dayNumber - 1] : null);
    }

    private void Changed() => _writes?.Changed();

    /// <summary>Why the last write of the file failed (the next change tries again), or null.</summary>
    public string? LastWriteError { get; private set; }

    /// <summary>Writes what is pending (a clean stop keeps every count).</summary>
    public ValueTask DisposeAsync()
    {
        _writes?.Dispose();
        return ValueTask.CompletedTask;
    }
}
