using ActorMta.Contracts;
using System.Net;
using System.Net.Sockets;
using ActorMta.Configuration;
using ActorMta.Ingress.Auth;
using ActorMta.Ingress.Listeners;
using ActorMta.Ingress.Policy;
using ActorMta.Ingress.Sessions;
using ActorMta.Ingress.Tls;
using ActorMta.Queue.Bodies;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;

namespace ActorMta.Ingress;

/// <summary>
/// Wires the SMTP ingress into a node. <see cref="Open"/> runs before the actor system starts, so a
/// bad certificate, an unreadable credentials file or a port that cannot be bound stops the start
/// with one line (<see cref="SettingException"/>) before anything else happens. Then
/// <see cref="WithIngress"/> starts the listeners and hooks them into CoordinatedShutdown.
/// </summary>
public sealed class IngressStage : IDisposable
{
    private readonly List<(ListenerSettings Listener, Socket Socket)> _bound;
    private bool _started;

    private IngressStage(IngressSettings settings, string hostname, ServerCertificate certificate, CredentialStore credentials,
        List<(ListenerSettings, Socket)> bound)
    {
        Settings = settings;
        Hostname = hostname;
        Certificate = certificate;
        Credentials = credentials;
        _bound = bound;
        EndPoints = bound.ToDictionary(b => b.Item1.Name, b => (IPEndPoint)b.Item2.LocalEndPoint!);
        Policy = new RelayPolicy(settings.TrustedNetworks, settings.AcceptedDomains);
    }

    public IngressSettings Settings { get; }
    public string Hostname { get; }
    public ServerCertificate Certificate { get; }
    public CredentialStore Credentials { get; }
    public RelayPolicy Policy { get; }

    /// <summary>Where each listener is bound, by name (port 0 in the settings resolves here).</summary>
    public IReadOnlyDictionary<string, IPEndPoint> EndPoints { get; }

    public static IngressStage Open(IngressSettings settings, NodeSettings node)
    {
        var certificate = ServerCertificate.Load(settings.Tls, node.DataDirectory, node.Hostname);
        CredentialStore credentials;
        try
        {
            credentials = new CredentialStore(settings.Auth.CredentialsFile, settings.Auth.NewVerificationSlots());
        }
        catch (FormatException e)
        {
            throw new SettingException("actormta.smtp.auth.credentials-file", settings.Auth.CredentialsFile, $"a readable credentials file ({e.Message})");
        }

        if (settings.SpoolDirectory is { } spool)
        {
            try
            {
                // Bodies a crash left half-received or never stored: no client was told 250 for them.
                new BodySpool(spool).RemoveLeftovers();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SettingException("actormta.node.data-directory", spool, $"a writable spool directory ({e.Message})");
            }
        }

        var bound = new List<(ListenerSettings, Socket)>();
        try
        {
            foreach (var listener in settings.Listeners) bound.Add((listener, Bind(listener)));
        }
        catch
        {
            foreach (var (_, socket) in bound) socket.Dispose();
            throw;
        }
        return new IngressStage(settings, node.Hostname, certificate, credentials, bound);
    }

    /// <summary>How a message picks its egress pool (actormta.delivery.pool-header, tenant-pools); set before the listeners start.</summary>
    public PoolChoice PoolChoice { get; set; } = PoolChoice.None;

    /// <summary>The session setups the listeners share, one per listener.</summary>
    public IReadOnlyList<(SessionSetup Setup, Socket Socket)> Setups(TimeSpan acceptTimeout, TimeProvider clock, RecipientSuppression? suppression = null)
    {
        var authFailures = new AuthFailures(Settings.Auth.MaxFailures, Settings.Auth.PenaltyTime, Settings.Auth.TrackedClients, Settings.ClientGroups, clock);
        return _bound.Select(b => (new SessionSetup(Hostname, b.Listener, Settings, Policy, Certificate, Credentials, authFailures, acceptTimeout, clock)
            {
                Suppression = suppression,
                PoolChoice = PoolChoice,
            }, b.Socket))
            .ToArray();
    }

    /// <summary>Hands the bound sockets to the actor system; from here the listeners own them.</summary>
    public IActorRef Start(ActorSystem system, IActorRef queueIntake, TimeSpan acceptTimeout, TimeProvider clock, RecipientSuppression? suppression = null)
    {
        _started = true;
        WatchCertificate(system);
        IngressMetrics.Publish();
        var limiter = new ConnectionLimiter(Settings.MaxConnections, Settings.MaxConnectionsPerClient, Settings.ClientGroups, Settings.ReservedForTrusted);
        var ingress = system.ActorOf(SmtpIngress.Props(Setups(acceptTimeout, clock, suppression), limiter, new TurnAway(Settings.TurnAway), queueIntake), "smtp-ingress");
        var shutdown = CoordinatedShutdown.Get(system);
        var phases = system.Settings.Config.GetConfig("akka.coordinated-shutdown.phases");
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "smtp-stop-accepting",
            () => ingress.Ask<Done>(SmtpIngress.StopAccepting.Instance, phases.GetTimeSpan("service-unbind.timeout")));
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "smtp-end-sessions",
            () => ingress.Ask<Done>(SmtpIngress.EndSessions.Instance, phases.GetTimeSpan("service-requests-done.timeout")));
        return ingress;
    }

    /// <summary>
    /// Warns when the generated self-signed certificate protects AUTH (clients cannot verify it, so a
    /// password can be phished by anyone on the path), and takes a replaced certificate without a restart.
    /// </summary>
    private void WatchCertificate(ActorSystem system)
    {
        var log = Logging.GetLogger(system, "ActorMta.Ingress.Tls");
        if (Certificate.IsSelfSigned)
        {
            if (SelfSignedWarning(Certificate, Settings.Listeners) is { } warning) log.Warning(warning);
            return;
        }
        var watcher = new CertificateWatcher(Certificate, Settings.Tls.ReloadCheckEvery,
            reloaded => log.Info("SMTP TLS certificate reloaded: {0}", reloaded),
            failed => log.Error("SMTP TLS certificate files changed but were not taken (the previous certificate stays): {0}", failed));
        system.RegisterOnTermination(watcher.Dispose);
    }

    /// <summary>The start-up warning (and health detail) when the self-signed certificate serves listeners that take passwords.</summary>
    public static string? SelfSignedWarning(ServerCertificate certificate, IEnumerable<ListenerSettings> listeners)
    {
        var auth = listeners.Where(l => l.RequiresAuth).Select(l => l.Name).ToArray();
        return certificate.IsSelfSigned && auth.Length > 0
            ? $"the generated self-signed certificate ({certificate.Files[0]}) serves AUTH on {string.Join(", ", auth)}: clients cannot verify it; " +
              "set actormta.smtp.tls.certificate-file and key-file (ACTORMTA_TLS_CERTIFICATE_FILE, ACTORMTA_TLS_KEY_FILE)"
            : null;
    }

    /// <summary>Closes the sockets if the node never got as far as starting the listeners.</summary>
    public void Dispose()
    {
        if (_started) return;
        foreach (var (_, socket) in _bound) socket.Dispose();
    }

    private static Socket Bind(ListenerSettings listener)
    {
        var socket = new Socket(listener.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (listener.EndPoint.Address.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
            socket.Bind(listener.EndPoint);
            socket.Listen(1024);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            var prefix = $"actormta.smtp.listeners.{listener.Name}";
            throw e.SocketErrorCode == SocketError.AddressNotAvailable
                ? new SettingException($"{prefix}.hostname", listener.EndPoint.Address.ToString(), $"an address of this host ({e.Message})")
                : new SettingException($"{prefix}.port", listener.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"a port free on {listener.EndPoint.Address} ({e.Message})");
        }
    }
}

/// <summary>Akka.Hosting wiring for the ingress.</summary>
public static class IngressHosting
{
    /// <param name="queueIntake">Where sessions hand messages in (the node's <c>QueueIntake</c>).</param>
    /// <param name="suppression">The RCPT check against the suppression list; null: none.</param>
    public static AkkaConfigurationBuilder WithIngress(this AkkaConfigurationBuilder akka, IngressStage stage, TimeSpan acceptTimeout,
        TimeProvider clock, Func<IActorRegistry, IActorRef> queueIntake, Func<ActorSystem, IActorRegistry, RecipientSuppression>? suppression = null) =>
        akka.AddHocon(SessionMailbox.Hocon, HoconAddMode.Append)
            .AddHocon(SessionDispatcher.Hocon, HoconAddMode.Append)
            .WithActors((system, registry) =>
                registry.Register<SmtpIngress>(stage.Start(system, queueIntake(registry), acceptTimeout, clock, suppression?.Invoke(system, registry))));
}
