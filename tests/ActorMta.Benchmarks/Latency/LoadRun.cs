using System.Diagnostics;
using System.Net;

namespace ActorMta.Benchmarks.Latency;

/// <summary>What to run: open loop at <see cref="Rate"/> messages/s over all sessions, or closed loop (Rate null: every session as fast as it can).</summary>
public sealed record LoadPlan(EndPoint Relay, LoadMessage Message, int Sessions, double? Rate, TimeSpan Warmup, TimeSpan Duration, int ReconnectAfter = 0);

/// <summary>A run's result: per-session samples and refusals, the measured window, and how many open-loop sends started late.</summary>
public sealed record LoadResult(IReadOnlyList<LatencySamples> Samples, ErrorTally Errors, TimeSpan Window, int LateStarts)
{
    public int Accepted => Samples.Sum(s => s.Count);

    public double AchievedRate => Accepted / Window.TotalSeconds;
}

/// <summary>
/// Drives <see cref="LoadPlan.Sessions"/> sessions, all connected before the clock starts. Open loop: session i
/// sends its k-th message at start + (i/N + k) × N/rate, whatever the replies before it took, so the node is
/// measured at that load and not at saturation; a session that falls behind catches up back to back (but drops what
/// the warm-up left unsent) and the starts more than 10 ms late are counted. Closed loop: each session sends its next message on the 250 to the last.
/// Messages whose dot goes out during the warm-up are not recorded; refusals are counted over the whole run.
/// </summary>
public static class LoadRun
{
    private static readonly long LateThreshold = Stopwatch.Frequency / 100;

    public static async Task<LoadResult> RunAsync(LoadPlan plan, CancellationToken cancellation)
    {
        var sessions = Enumerable.Range(0, plan.Sessions).Select(_ => new LoadSession(plan.Relay, plan.Message)).ToArray();
        var expected = (int)Math.Min(1 << 22, (plan.Rate ?? 2000) * (plan.Warmup + plan.Duration).TotalSeconds * 1.2 / plan.Sessions);
        var samples = sessions.Select(_ => new LatencySamples(expected)).ToArray();
        var errors = sessions.Select(_ => new ErrorTally()).ToArray();
        try
        {
            var opened = await Task.WhenAll(sessions.Select(s => s.OpenAsync(cancellation)));
            for (var i = 0; i < opened.Length; i++)
            {
                if (opened[i].Stage != LoadStage.None) errors[i].Add(opened[i].Stage, opened[i].Code, sessions[i].RefusalText);
            }
            var start = Stopwatch.GetTimestamp();
            var measureFrom = start + Ticks(plan.Warmup);
            var end = measureFrom + Ticks(plan.Duration);
            var late = await Task.WhenAll(sessions.Select((s, i) => Task.Run(() => DriveAsync(plan, i, s, samples[i], errors[i], start, measureFrom, end, cancellation))));
            var tally = new ErrorTally();
            foreach (var e in errors) tally.Add(e);
            return new LoadResult(samples, tally, plan.Duration, late.Sum());
        }
        finally
        {
            await Task.WhenAll(sessions.Select(s => s.QuitAsync(CancellationToken.None)));
        }
    }

    private static async Task<int> DriveAsync(
        LoadPlan plan, int index, LoadSession session, LatencySamples samples, ErrorTally errors, long start, long measureFrom, long end, CancellationToken cancellation)
    {
        var interval = plan.Rate is { } rate ? (long)(Stopwatch.Frequency * plan.Sessions / rate) : 0;
        var due = start + interval * index / plan.Sessions;
        // One timer per session, re-armed for each due time (PeriodicTimer.Period restarts it): no allocation per
        // message and no drift, which a fixed period would have as each late tick pushes back the next.
        using var pacer = interval > 0 ? new PeriodicTimer(Timeout.InfiniteTimeSpan) : null;
        var lateStarts = 0;
        try
        {
            while (true)
            {
                // Slots of the warm-up still unsent when the window opens are dropped, so that the window's load is
                // the rate asked for and not a catch-up burst from a slow start.
                if (interval > 0 && due < measureFrom && Stopwatch.GetTimestamp() >= measureFrom)
                {
                    due += (measureFrom - due + interval - 1) / interval * interval;
                }
                for (var wait = due - Stopwatch.GetTimestamp(); pacer is not null && wait > 0; wait = due - Stopwatch.GetTimestamp())
                {
                    pacer.Period = TimeSpan.FromMilliseconds(Math.Ceiling(wait * 1000.0 / Stopwatch.Frequency)); // whole ms, at least 1
                    await pacer.WaitForNextTickAsync(cancellation);
                }
                var began = Stopwatch.GetTimestamp();
                if (began >= end) break;
                if (pacer is not null && began - due > LateThreshold && began >= measureFrom) lateStarts++;
                due += interval;
                if (plan.ReconnectAfter > 0 && session.MessagesOnConnection >= plan.ReconnectAfter) await session.QuitAsync(cancellation);
                if (!session.IsOpen)
                {
                    var opened = await session.OpenAsync(cancellation);
                    if (opened.Stage != LoadStage.None)
                    {
                        errors.Add(opened.Stage, opened.Code, session.RefusalText);
                        await Task.Delay(100, cancellation); // the node is not taking connections: do not spin
                        continue;
                    }
                }
                var outcome = await session.SendMessageAsync(cancellation);
                if (!outcome.Accepted) errors.Add(outcome.Stage, outcome.Code, session.RefusalText);
                else if (outcome.DotWrittenAt >= measureFrom && outcome.DotWrittenAt < end) samples.Add(outcome.DotWrittenAt - start, outcome.LatencyTicks);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // the run's deadline: what was recorded stands
        }
        return lateStarts;
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
