namespace ActorMta.Benchmarks;

/// <summary>
/// BenchmarkDotNet micro-benchmarks by default; `queue-intake ...` runs the queue's accept path
/// under load without SMTP in front (see Queue/QueueIntakeLoad.cs); `idle-connections ...` measures
/// memory per idle SMTP connection (see Ingress/IdleConnections.cs); `connection-flood ...` holds 10,000
/// connections against a node and checks another client is still served (see Ingress/ConnectionFlood.cs);
/// `fuzz [cases] [seed]` runs the wire fuzzing properties (see Smtp/WireFuzzRun.cs); `accept-latency ...`
/// measures the final dot to the 250 per message against a running node (see Latency/AcceptLatency.cs).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["queue-intake", .. var rest]) return await Queue.QueueIntakeLoad.RunAsync(rest);
        if (args is ["idle-connections", .. var options]) return await Ingress.IdleConnections.RunAsync(options);
        if (args is ["connection-flood", .. var flood]) return await Ingress.ConnectionFlood.RunAsync(flood);
        if (args is ["accept-latency", .. var latency]) return await Latency.AcceptLatency.RunAsync(latency);
        if (args is ["fuzz", .. var fuzzOptions]) return Smtp.WireFuzzRun.Run(fuzzOptions);
        BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
