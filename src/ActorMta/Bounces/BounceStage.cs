using ActorMta.Contracts;
using ActorMta.Queue;
using Akka.Hosting;

namespace ActorMta.Bounces;

/// <summary>Wires the bounce stage into a node: one <see cref="Bouncer"/>, registered before the queue's partitions start.</summary>
public static class BounceStage
{
    public const string ActorName = "bounces";

    public static AkkaConfigurationBuilder WithBounces(
        this AkkaConfigurationBuilder akka,
        BounceSettings settings,
        QueueSettings queue,
        IMessageBodyReader bodies,
        TimeProvider clock) =>
        akka.WithActors((system, registry) =>
            registry.Register<Bouncer>(system.ActorOf(
                Bouncer.Props(settings, new DsnBuilder(settings, queue.MaxLifetime), bodies, registry, clock), ActorName)));
}
