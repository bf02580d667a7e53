namespace ActorMta.Benchmarks;

/// <summary>
/// BenchmarkDotNet micro-benchmarks by default; `queue-intake ...` runs the queue's accept path
/// under load without SMTP in front (see Queue/QueueIntakeLoad.cs).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["queue-intake", .. var rest]) return await Queue.QueueIntakeLoad.RunAsync(rest);
        BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
