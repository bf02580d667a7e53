namespace ActorMta.Telemetry;

/// <summary>Histogram bucket boundaries (OpenTelemetry views) for the node's durations and sizes.</summary>
public static class Buckets
{
    /// <summary>Seconds, 0.5 ms to 10 s: a durable write, a 250 after the final dot, a DNS question.</summary>
    public static readonly double[] Milliseconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Seconds, 1 s to 5 days (the default queue lifetime): how long mail waits before it is delivered.</summary>
    public static readonly double[] SecondsToDays = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400, 172800, 432000];

    /// <summary>A count per operation (events in one journal write).</summary>
    public static readonly double[] Count = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
}
