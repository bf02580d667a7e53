using System.Globalization;
using System.Net;
using static ActorMta.Benchmarks.Ingress.IdleConnections;

namespace ActorMta.Benchmarks.Latency;

/// <summary>
/// Accept latency: the time from writing the final "\r\n.\r\n" of DATA to reading the reply, per message, against a
/// node already running (ops/bench/accept-latency.sh starts one and runs both modes).
/// <code>dotnet run -c Release --project tests/ActorMta.Benchmarks -- accept-latency --port PORT (--rate MSG_PER_S | --peak)
///   [--host 127.0.0.1] [--sessions 50] [--bytes 1024] [--seconds 20] [--warmup 3] [--reconnect K] [--csv FILE]
///   [--from bench@src.example] [--to rcpt@dest.example]</code>
/// Prints one line of key=value (mode, achieved msg/s, accepted, errors by code, late starts, p50/p90/p99/p99.9/max
/// in ms), then one line per kind of error; --csv writes every sample (session, ms since start, latency ms).
/// </summary>
public static class AcceptLatency
{
    public static async Task<int> RunAsync(string[] options)
    {
        LoadPlan plan;
        string? csv;
        try
        {
            (plan, csv) = Parse(options);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            Console.Error.WriteLine($"accept-latency: {e.Message}");
            return 2;
        }

        // A hung node must not hang the run: everything in flight is given up a minute after the end.
        using var deadline = new CancellationTokenSource(plan.Warmup + plan.Duration + TimeSpan.FromSeconds(60));
        var result = await LoadRun.RunAsync(plan, deadline.Token);
        var summary = LatencySummary.Of(LatencySamples.AllMilliseconds(result.Samples.ToArray()));
        var mode = plan.Rate is { } rate ? $"open target={rate.ToString("0.#", CultureInfo.InvariantCulture)}/s" : "peak";
        Console.WriteLine(FormattableString.Invariant(
            $"accept-latency mode={mode} sessions={plan.Sessions} bytes={plan.Message.Size} seconds={plan.Duration.TotalSeconds:0.#} reconnect={plan.ReconnectAfter} ")
            + FormattableString.Invariant(
            $"achieved={result.AchievedRate:0.0}/s accepted={result.Accepted} errors={result.Errors.Total} ({result.Errors.ByCode()}) late-starts={result.LateStarts} ")
            + FormattableString.Invariant(
            $"p50={summary.P50:0.000} p90={summary.P90:0.000} p99={summary.P99:0.000} p99.9={summary.P999:0.000} max={summary.Max:0.000} ms"));
        foreach (var line in result.Errors.Lines()) Console.WriteLine("  error: " + line);
        if (csv is not null) await WriteCsvAsync(csv, result.Samples);
        return result.Accepted > 0 ? 0 : 1;
    }

    private static (LoadPlan Plan, string? Csv) Parse(string[] options)
    {
        int Int(string name, int fallback) => Option(options, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        double Seconds(string name, double fallback) => Option(options, name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

        var host = IPAddress.Parse(Option(options, "--host") ?? "127.0.0.1");
        if (!IPAddress.IsLoopback(host)) throw new ArgumentException("--host: loopback only");
        var port = Int("--port", 0);
        if (port is < 1 or > 65535) throw new ArgumentException("--port: the node's relay port is required");
        var peak = options.Contains("--peak");
        double? rate = Option(options, "--rate") is { } r ? double.Parse(r, CultureInfo.InvariantCulture) : null;
        if (peak == rate.HasValue) throw new ArgumentException("one of --rate MSG_PER_S (open loop) or --peak (closed loop)");
        if (rate is <= 0) throw new ArgumentException("--rate: above 0");
        var sessions = Int("--sessions", 50);
        var bytes = Int("--bytes", 1024);
        var seconds = Seconds("--seconds", 20);
        var warmup = Seconds("--warmup", 3);
        var reconnect = Int("--reconnect", 0);
        if (sessions < 1 || bytes < 1 || seconds <= 0 || warmup < 0 || reconnect < 0) throw new ArgumentException("--sessions, --bytes, --seconds above 0; --warmup, --reconnect 0 or more");
        var message = new LoadMessage(Option(options, "--from") ?? "bench@src.example", Option(options, "--to") ?? "rcpt@dest.example", bytes);
        var plan = new LoadPlan(new IPEndPoint(host, port), message, sessions, rate, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds), reconnect);
        return (plan, Option(options, "--csv"));
    }

    private static async Task WriteCsvAsync(string path, IReadOnlyList<LatencySamples> sessions)
    {
        await using var file = new StreamWriter(path);
        await file.WriteLineAsync("session,sent_ms,latency_ms");
        for (var s = 0; s < sessions.Count; s++)
        {
            for (var i = 0; i < sessions[s].Count; i++)
            {
                await file.WriteLineAsync(FormattableString.Invariant(
                    $"{s},{LatencySamples.Milliseconds(sessions[s].SentAt(i)):0.000},{LatencySamples.Milliseconds(sessions[s].LatencyTicks(i)):0.000}"));
            }
        }
    }
}
