using System.Diagnostics;
using ActorMta.Smtp.Fuzzing;

namespace ActorMta.Benchmarks.Smtp;

/// <summary>
/// `fuzz [cases] [seed]`: the wire fuzzing properties of tests/ActorMta.Smtp.Tests/Fuzzing, 1,000,000
/// cases in all by default, spread evenly over the properties. Prints each property's cases and time;
/// on a failure prints the property, the CsCheck seed that replays it and the shrunk input, and exits 1.
/// </summary>
public static class WireFuzzRun
{
    public static int Run(string[] args)
    {
        var cases = args.Length > 0 ? long.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        var seed = args.Length > 1 ? args[1] : null;
        var each = (cases + WireFuzzing.All.Length - 1) / WireFuzzing.All.Length;
        var total = Stopwatch.StartNew();
        Console.WriteLine($"wire fuzzing: {WireFuzzing.All.Length} properties x {each:N0} cases = {each * WireFuzzing.All.Length:N0} cases, {Environment.ProcessorCount} threads");
        foreach (var property in WireFuzzing.All)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                property.Sample(each, seed, null);
            }
            catch (Exception e)
            {
                Console.WriteLine($"FAILED {property.Name} after {watch.Elapsed.TotalSeconds:0.0}s:");
                Console.WriteLine(e.ToString());
                return 1;
            }
            Console.WriteLine($"  {property.Name,-22} {each,12:N0} cases  {watch.Elapsed.TotalSeconds,7:0.0}s  ok");
        }
        Console.WriteLine($"all properties held: {each * WireFuzzing.All.Length:N0} cases in {total.Elapsed.TotalSeconds:0.0}s");
        return 0;
    }
}
