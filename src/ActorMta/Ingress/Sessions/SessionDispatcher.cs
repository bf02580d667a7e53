using Akka.Configuration;
using Akka.Dispatch;

namespace ActorMta.Ingress.Sessions;

/// <summary>
/// The session actors' dispatcher: a session's mailbox runs on the thread that hands it a message
/// instead of being queued to the thread pool. A session's messages are mostly the outcomes of its
/// own socket reads, which already complete on a pool thread; queueing the actor's turn again would
/// be a second hop (and a context switch) per SMTP command for no gain. A session's turn is short and
/// never blocks (its I/O is the connection's async operations), so running it inline delays nobody.
/// Akka's mailbox still guarantees one turn at a time: a message that comes while a turn runs on
/// another thread is queued and taken by that turn.
/// </summary>
public static class SessionDispatcher
{
    /// <summary>Where the dispatcher is configured; <see cref="Hocon"/> must be in the actor system's config.</summary>
    public const string ConfigPath = "actormta-smtp-session-dispatcher";

    public static readonly string Hocon = $$"""
        {{ConfigPath}} {
          type = Dispatcher
          executor = "{{typeof(InlineExecutorConfigurator).FullName}}, {{typeof(InlineExecutorConfigurator).Assembly.GetName().Name}}"
          throughput = 100
        }
        """;

    public sealed class InlineExecutorConfigurator(Config config, IDispatcherPrerequisites prerequisites) : ExecutorServiceConfigurator(config, prerequisites)
    {
        public override ExecutorService Produce(string id) => new InlineExecutor(id);
    }

    private sealed class InlineExecutor(string id) : ExecutorService(id)
    {
        public override void Execute(IRunnable run) => run.Run();

        public override void Shutdown()
        {
        }
    }
}
