namespace ActorMta.Benchmarks.Latency;

/// <summary>
/// Refusals and failures by stage and reply code (0: the connection failed or closed), with the first
/// reply line of each kind; one per session, merged after the run.
/// </summary>
public sealed class ErrorTally
{
    private readonly Dictionary<(LoadStage Stage, int Code), (int Count, string First)> _errors = [];

    public int Total { get; private set; }

    public void Add(LoadStage stage, int code, string? text)
    {
        var count = _errors.TryGetValue((stage, code), out var seen) ? seen.Count : 0;
        _errors[(stage, code)] = (count + 1, count == 0 ? text ?? "" : seen.First);
        Total++;
    }

    public void Add(ErrorTally other)
    {
        foreach (var ((stage, code), (count, first)) in other._errors)
        {
            var mine = _errors.TryGetValue((stage, code), out var seen) ? seen : (Count: 0, First: first);
            _errors[(stage, code)] = (mine.Count + count, mine.First);
        }
        Total += other.Total;
    }

    /// <summary>Most frequent first: "12 x 451 at Dot (first: 451 4.3.0 try later)".</summary>
    public IEnumerable<string> Lines() =>
        _errors.OrderByDescending(e => e.Value.Count)
            .Select(e => $"{e.Value.Count} x {(e.Key.Code == 0 ? "no reply" : e.Key.Code.ToString(System.Globalization.CultureInfo.InvariantCulture))} at {e.Key.Stage} (first: {e.Value.First})");

    /// <summary>"451:12,550:3": counts by code over all stages, for the summary line.</summary>
    public string ByCode() =>
        Total == 0 ? "none" : string.Join(',', _errors.GroupBy(e => e.Key.Code).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Sum(e => e.Value.Count)}"));
}
