using System.Reflection;
using NetArchTest.Rules;

namespace ActorMta.Tests.Architecture;

/// <summary>
/// The stages' dependencies, read from the compiled assembly (NetArchTest: signatures and method bodies).
/// Stages talk through ActorMta.Contracts (which depends on no stage); a dependency that closes a cycle
/// between stage namespaces fails here, with the types that make it.
/// </summary>
public sealed class StageDependencyTests
{
    private static readonly Assembly App = typeof(ActorMta.Queue.QueueSettings).Assembly;

    private static readonly string[] Stages =
        ["Ingress", "Queue", "Delivery", "Bounces", "Management", "Fleet", "Configuration", "Serialization", "Telemetry", "Contracts", "Dkim", "Suppression"];

    [Fact]
    public void No_dependency_between_stages_closes_a_cycle()
    {
        var edges = Edges();
        var inCycles = edges.Where(e => Reaches(edges, e.To, e.From)).Select(e => $"{e.From} -> {e.To}").Order().ToArray();
        Assert.True(inCycles.Length == 0, "dependencies in a cycle between stages: " + string.Join("; ", inCycles.Select(Explain)));
    }

    [Fact]
    public void The_contracts_depend_on_no_stage()
    {
        var stages = Stages.Where(s => s != "Contracts").Select(s => $"ActorMta.{s}").ToArray();
        var result = Types.InAssembly(App).That().ResideInNamespace("ActorMta.Contracts").ShouldNot().HaveDependencyOnAny(stages).GetResult();
        Assert.True(result.IsSuccessful, "contracts that depend on a stage: " + string.Join(", ", result.FailingTypeNames ?? []));
        Assert.NotEmpty(Types.InAssembly(App).That().ResideInNamespace("ActorMta.Contracts").GetTypes());
    }

    [Fact]
    public void Delivery_and_Bounces_read_bodies_through_the_contract_not_the_queues_store()
    {
        var result = Types.InAssembly(App).That().ResideInNamespace("ActorMta.Delivery").Or().ResideInNamespace("ActorMta.Bounces")
            .ShouldNot().HaveDependencyOn("ActorMta.Queue.Bodies").GetResult();
        Assert.True(result.IsSuccessful, "reads the queue's store directly: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void The_wire_library_has_no_Akka_in_it()
    {
        var smtp = typeof(ActorMta.Smtp.SmtpCommandParser).Assembly;
        Assert.DoesNotContain(smtp.GetReferencedAssemblies(), a => a.Name!.StartsWith("Akka", StringComparison.Ordinal));
        var result = Types.InAssembly(smtp).ShouldNot().HaveDependencyOn("Akka").GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void The_check_sees_a_known_dependency()
    {
        // Guards the test above from passing because it sees nothing: Ingress hands mail to the Queue.
        Assert.Contains(Edges(), e => e.From == "Ingress" && e.To == "Queue");
    }

    private static List<(string From, string To)> Edges() =>
        [.. from a in Stages from b in Stages where a != b && Dependents(a, b).Count > 0 select (a, b)];

    private static IReadOnlyList<string> Dependents(string from, string to) =>
        // The namespace or below it, not a type whose name merely starts so (ActorMta.DeliveryLeaseCheck is not in Delivery).
        Types.InAssembly(App).That().ResideInNamespaceMatching($@"^ActorMta\.{from}(\.|$)").And().HaveDependencyOn($"ActorMta.{to}")
            .GetTypes().Select(t => t.FullName!).ToList();

    private static bool Reaches(List<(string From, string To)> edges, string start, string goal)
    {
        var seen = new HashSet<string> { start };
        var frontier = new Stack<string>([start]);
        while (frontier.TryPop(out var stage))
        {
            if (stage == goal) return true;
            foreach (var next in edges.Where(e => e.From == stage).Select(e => e.To))
                if (seen.Add(next)) frontier.Push(next);
        }
        return false;
    }

    private static string Explain(string edge)
    {
        var parts = edge.Split(" -> ");
        return $"{edge} (from {string.Join(", ", Dependents(parts[0], parts[1]).Take(5))})";
    }
}
