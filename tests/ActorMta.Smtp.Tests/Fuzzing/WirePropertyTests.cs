using Xunit.Abstractions;

namespace ActorMta.Smtp.Fuzzing;

/// <summary>
/// The wire fuzzing slice of the unit suite: 20,000 cases across the properties (the million-case run is
/// `dotnet run -c Release --project tests/ActorMta.Benchmarks -- fuzz`). A failure prints its CsCheck seed.
/// </summary>
public sealed class WirePropertyTests(ITestOutputHelper output)
{
    private const long CasesEach = 20_000 / 7 + 1;

    public static TheoryData<string> Properties => new(WireFuzzing.All.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(Properties))]
    public void Property_holds(string name)
    {
        WireFuzzing.All.Single(p => p.Name == name).Sample(CasesEach, null, output.WriteLine);
    }

    [Fact]
    public void The_slice_is_twenty_thousand_cases()
    {
        Assert.True(CasesEach * WireFuzzing.All.Length >= 20_000);
    }
}
