using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using ActorMta.TestSupport;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;

namespace ActorMta.IntegrationTests.Fleet;

/// <summary>
/// A bare Akka.NET actor system named like the fleet, on loopback, built without ActorMta's code: a
/// would-be member with whatever certificate (or none) the test gives it. It trusts every certificate
/// it is shown, so when it is refused, the refusal is the secured node's.
/// </summary>
internal sealed class FleetPeer : IAsyncDisposable
{
    private FleetPeer(ActorSystem system)
    {
        System = system;
        Mailbox = Recorder.Start(system, "fleet-mailbox");
    }

    public ActorSystem System { get; }

    /// <summary>What reached /user/fleet-mailbox on this peer.</summary>
    public Recorder Mailbox { get; }

    public Address Address => ((ExtendedActorSystem)System).Provider.DefaultAddress;

    /// <param name="certificate">Presented when this peer accepts a connection, and, if <paramref name="presentToServers"/>, when it connects.</param>
    public static FleetPeer Start(X509Certificate2? certificate, bool presentToServers = true)
    {
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = cluster
            akka.loglevel = WARNING
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0, enable-ssl = {{(certificate is null ? "off" : "on")}} }
            akka.cluster.split-brain-resolver.active-strategy = keep-majority
            """);
        var setup = BootstrapSetup.Create().WithConfig(config);
        var system = certificate is null
            ? ActorSystem.Create("actormta", setup)
            : ActorSystem.Create("actormta", ActorSystemSetup.Create(setup,
                new DotNettySslSetup(certificate, suppressValidation: true, requireMutualAuthentication: presentToServers)));
        return new FleetPeer(system);
    }

    public async ValueTask DisposeAsync() => await System.Terminate();

    /// <summary>An actor that keeps every message it gets, for tests to wait on.</summary>
    internal sealed class Recorder
    {
        private readonly ConcurrentQueue<object> _messages = new();
        private readonly ConditionSignal _changed = new();

        private Recorder() { }

        public IActorRef Ref { get; private set; } = ActorRefs.Nobody;
        public IReadOnlyCollection<object> Messages => _messages;

        public static Recorder Start(ActorSystem system, string name)
        {
            var recorder = new Recorder();
            recorder.Ref = system.ActorOf(Props.Create(() => new RecordingActor(recorder)), name);
            return recorder;
        }

        public Task WaitForAsync(Func<object, bool> match, TimeSpan within, string what) =>
            _changed.WaitAsync(() => _messages.Any(match), within, what);

        private sealed class RecordingActor : UntypedActor
        {
            private readonly Recorder _recorder;

            public RecordingActor(Recorder recorder) => _recorder = recorder;

            protected override void OnReceive(object message)
            {
                _recorder._messages.Enqueue(message);
                _recorder._changed.Notify();
            }
        }
    }
}
