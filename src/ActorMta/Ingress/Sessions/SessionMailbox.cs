using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ActorMta.Ingress.Sessions;

/// <summary>
/// The session actors' mailbox. Akka's default one starts every actor with a 32-slot concurrent
/// queue segment (about 1 KiB); a session gets about one message per I/O operation and sits idle
/// most of its life, so a lock and a queue made on the first message cost far less per connection.
/// </summary>
public sealed class SessionMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<SessionMailbox.MessageQueue>
{
    /// <summary>Where the mailbox is configured; <see cref="Hocon"/> must be in the actor system's config.</summary>
    public const string ConfigPath = "actormta-smtp-session-mailbox";

    public static readonly string Hocon = $"{ConfigPath}.mailbox-type = \"{typeof(SessionMailbox).FullName}, {typeof(SessionMailbox).Assembly.GetName().Name}\"";

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new MessageQueue();

    public sealed class MessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
    {
        private readonly Lock _gate = new();
        private Queue<Envelope>? _messages;

        public bool HasMessages
        {
            get { lock (_gate) return _messages is { Count: > 0 }; }
        }

        public int Count
        {
            get { lock (_gate) return _messages?.Count ?? 0; }
        }

        public void Enqueue(IActorRef receiver, Envelope envelope)
        {
            lock (_gate) (_messages ??= new Queue<Envelope>(2)).Enqueue(envelope);
        }

        public bool TryDequeue(out Envelope envelope)
        {
            lock (_gate)
            {
                if (_messages is not null) return _messages.TryDequeue(out envelope);
            }
            envelope = default;
            return false;
        }

        public void CleanUp(IActorRef owner, IMessageQueue deadletters)
        {
            while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
        }
    }
}
