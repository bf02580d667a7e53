using ActorMta.Ingress.Sessions;

namespace ActorMta.Tests.Ingress.Support;

/// <summary>A TestKit whose actor system has the session mailbox configured, as a node's has.</summary>
public abstract class IngressTestKit() : Akka.TestKit.Xunit2.TestKit(SessionMailbox.Hocon + "\n" + SessionDispatcher.Hocon);
