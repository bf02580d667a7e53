namespace ActorMta.IntegrationTests.Fleet;

/// <summary>Fleet tests run three nodes each on a small machine: one at a time, and not beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FleetCollection
{
    public const string Name = "Fleet";
}
