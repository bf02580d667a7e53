namespace ActorMta.Benchmarks;

public static class Program
{
    /// <summary>`idle-connections ...` runs the ingress memory tool; anything else goes to BenchmarkDotNet.</summary>
    public static int Main(string[] args)
    {
        if (args is ["idle-connections", .. var options]) return Ingress.IdleConnections.RunAsync(options).GetAwaiter().GetResult();
        BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
