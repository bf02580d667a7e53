using System.Net;
using ActorMta.Bounces;
using ActorMta.Configuration;
using ActorMta.Delivery;
using ActorMta.Delivery.Classification;
using ActorMta.Delivery.Egress;
using ActorMta.Delivery.Log;
using ActorMta.Fleet;
using ActorMta.Ingress;
using ActorMta.Ingress.Http;
using ActorMta.Ingress.Policy;
using ActorMta.Contracts;
using ActorMta.Suppression;
using ActorMta.Ingress.Tls;
using ActorMta.Management;
using ActorMta.Management.Access;
using ActorMta.Management.Admin;
using ActorMta.Management.Dashboard;
using ActorMta.Queue;
using ActorMta.Queue.Bodies;
using ActorMta.Queue.Journal;
using ActorMta.Serialization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorMta.Host;

/// <summary>
/// One ActorMta node: the actor system (cluster, journal, pipeline stages) and the management
/// endpoint, wired through Akka.Hosting. Program.cs runs one; tests start several in-process.
/// </summary>
public sealed class ActorMtaNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IngressStage _ingress;
    private readonly WarmUp _warmUp;

    private ActorMtaNode(WebApplication app, ActorMtaSettings settings, IngressStage ingress, WarmUp warmUp)
    {
        _app = app;
        Settings = settings;
        _ingress = ingress;
        _warmUp = warmUp;
    }

    public ActorMtaSettings Settings { get; }
    public ActorSystem System => _app.Services.GetRequiredService<ActorSystem>();
    public IServiceProvider Services => _app.Services;

    /// <summary>The management endpoint as bound (port 0 in settings resolves here).</summary>
    public Uri ManagementUri => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>The SMTP listeners as bound, by name (port 0 in settings resolves here).</summary>
    public IReadOnlyDictionary<string, IPEndPoint> SmtpEndPoints => _ingress.EndPoints;

    /// <param name="warmUpClock">Whose "today" the warm-up caps count (a test's fixed day); the system clock by default.</param>
    public static async Task<ActorMtaNode> StartAsync(ActorMtaSettings settings, CancellationToken cancellation, TimeProvider? warmUpClock = null)
    {
        var journal = new JournalDatabase(settings.Journal);
        Directory.CreateDirectory(settings.Node.DataDirectory);
        await journal.PrepareAsync(cancellation);
        await QueueLayout.CheckPartitionsAsync(journal, settings.Queue.Partitions, cancellation);
        await SuppressionLayout.CheckShardsAsync(journal, settings.Suppression.Shards, cancellation);
        var bodies = new MessageBodyStore(journal, settings.Queue.RecentBodiesBytes);
        await bodies.CreateTableAsync(cancellation);
        // Certificates, credentials and listening sockets before the actor system: a bad one stops the start here.
        var fleetCertificate = settings.Fleet.Tls is { } tls ? FleetCertificate.Load(tls) : null;
        var ingress = IngressStage.Open(settings.Ingress, settings.Node);
        ingress.PoolChoice = settings.Delivery.PoolChoice;
        try
        {
            // A broken warm-up file stops the start (exit 2) rather than forgetting today's counts.
            var warmUp = new WarmUp(settings.Delivery.WarmUp, warmUpClock ?? TimeProvider.System);
            return await StartAsync(settings, journal, bodies, ingress, fleetCertificate, warmUp, cancellation);
        }
        catch
        {
            ingress.Dispose();
            throw;
        }
    }

    private static async Task<ActorMtaNode> StartAsync(ActorMtaSettings settings, JournalDatabase journal, MessageBodyStore bodies,
        IngressStage ingress, FleetCertificate? fleetCertificate, WarmUp warmUp, CancellationToken cancellation)
    {
        // Read (and checked: a broken rules file stops the start) before anything listens.
        ILogger? classificationLog = null;
        var classifier = new BounceClassifier(settings.Delivery.Log.Classification!,
            error => classificationLog?.LogError("Bounce classification rules changed but were not taken (the previous rules stay): {Error}", error));
        ILogger? dkimLog = null;
        var dkim = settings.Dkim.Enabled || settings.Source?.OperatorFile is not null
            ? ActorMta.Dkim.DkimReloader.Start(settings.Dkim, settings.Source, settings.Node, line => dkimLog?.LogInformation("{Change}", line), line => dkimLog?.LogWarning("{Problem}", line))
            : null;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        ConfigureLogging(builder.Logging, settings.Logging);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(settings.Management.Address, settings.Management.Port));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(journal);
        builder.Services.AddHealthChecks();
        var (tokens, adminTokenFile) = settings.Management.Tokens.WithAdminToken(settings.Node.DataDirectory);
        builder.Services.AddSingleton(new ManagementAccess(tokens, settings.Management.BeyondLoopback));
        builder.Services.AddSingleton(bodies);
        builder.Services.AddSingleton(classifier);
        var hardBounces = new HardBounceFeed(settings.Suppression.AddOnBounce, settings.Suppression.Shards, settings.Suppression.BounceExpiry);
        builder.Services.AddSingleton(services => new DeliveryLog(settings.Delivery.Log, services.GetRequiredService<ILoggerFactory>(), classifier) { HardBounces = hardBounces });
        builder.Services.AddSingleton(services => Suppression(services.GetRequiredService<ActorSystem>(), services.GetRequiredService<ActorRegistry>(), settings));
        DeliveryMetrics.Domains.Top = settings.Management.MetricsTopDomains;
        builder.Services.AddNodeMetrics();
        // MTA-STS policies and TLS-RPT counts (node-wide; the management API reads the counts).
        var mtaStsSettings = settings.Delivery.MtaSts ?? ActorMta.Delivery.Sts.MtaStsSettings.Disabled;
        // A broken TLS-RPT state file stops the start (exit 2), as a broken warm-up file does.
        ILogger? reportLog = null;
        var tlsReports = new ActorMta.Delivery.Sts.TlsReportBook(mtaStsSettings.ReportFile, mtaStsSettings.ReportDays, TimeProvider.System, TimeSpan.FromSeconds(5),
            e => reportLog?.LogWarning("TLS-RPT counts not written to {File} (the next change tries again): {Error}", mtaStsSettings.ReportFile, e.Message));
        builder.Services.AddSingleton(tlsReports);
        builder.Services.AddSingleton(services => new ActorMta.Delivery.Sts.MtaStsPolicies(mtaStsSettings,
            settings.Delivery.Dns, settings.Delivery.Destinations, services.GetRequiredService<ActorMta.Delivery.Sts.TlsReportBook>(), TimeProvider.System,
            services.GetRequiredService<ILoggerFactory>().CreateLogger("ActorMta.Delivery.MtaSts")));
        builder.Services.AddAkka(FleetSettings.SystemName, (akka, services) => ConfigureAkka(akka, settings, journal, bodies, ingress, fleetCertificate, services.GetRequiredService<DeliveryLog>(),
            services.GetRequiredService<ActorMta.Delivery.Sts.MtaStsPolicies>(), warmUp, hardBounces, dkim?.Signer));

        var app = builder.Build();
        if (adminTokenFile is not null)
            app.Logger.LogInformation("No admin token configured: the management endpoint's admin token is in {File}", adminTokenFile);
        classificationLog = app.Logger;
        reportLog = app.Logger;
        // After the actor system (and delivery) has stopped: the last counts are on disk.
        app.Lifetime.ApplicationStopped.Register(tlsReports.Dispose);
        app.Lifetime.ApplicationStopped.Register(classifier.Dispose);
        dkimLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ActorMta.Dkim");
        if (dkim is not null) app.Lifetime.ApplicationStopped.Register(dkim.Dispose);
        app.UseMiddleware<ManagementAccess>();
        app.MapManagementEndpoints();
        app.MapDashboard(settings.Management.Dashboard);
        app.MapQueueEndpoints(settings.Queue);
        app.MapDeliveryEndpoints();
        app.MapSuspendApi();
        app.MapRetryApi(settings.Queue);
        app.MapBounceApi(settings.Queue);
        app.MapReadyQueueStatesApi(settings.Queue, settings.Delivery);
        app.MapInspectMessageApi(settings.Queue);
        app.MapTlsReportApi(settings.Node.Hostname, mtaStsSettings.ReportAskTimeout);
        app.MapEgressApi(settings.Delivery, warmUp);
        app.MapSuppressionApi(settings.Suppression);
        app.MapInjectApi(Injector.For(settings.Ingress, settings.Inject, settings.Node.Hostname, settings.Queue.AcceptTimeout, TimeProvider.System,
                settings.Delivery.PoolChoice),
            settings.Inject, TimeProvider.System);
        await app.StartAsync(cancellation);
        return new ActorMtaNode(app, settings, ingress, warmUp);
    }

    private static void ConfigureAkka(AkkaConfigurationBuilder akka, ActorMtaSettings settings, JournalDatabase journal, MessageBodyStore bodies,
        IngressStage ingress, FleetCertificate? fleetCertificate, DeliveryLog deliveryLog, ActorMta.Delivery.Sts.MtaStsPolicies mtaSts, WarmUp warmUp, HardBounceFeed hardBounces,
        ActorMta.Dkim.DkimMessageSigner? dkim)
    {
        var cluster = settings.Fleet;
        // The operator's akka.* settings win over the ones derived from actormta.journal.
        akka.AddHocon(settings.Config.WithFallback(journal.PersistenceConfig()), HoconAddMode.Prepend)
            .AddHocon(ActorMtaSerializer.Hocon, HoconAddMode.Prepend)
            .AddHocon($"akka.cluster.split-brain-resolver.stable-after = {cluster.SplitBrainStableAfter.TotalMilliseconds:0}ms", HoconAddMode.Prepend)
            .ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = ToAkkaLevel(settings.Logging.Level);
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithRemoting(RemoteOptions(cluster, fleetCertificate))
            .WithClustering(new ClusterOptions
            {
                SeedNodes = cluster.SeedNodes.Select(a => a.ToString()).ToArray(),
                Roles = cluster.Roles.ToArray(),
                SplitBrainResolver = new KeepMajorityOption(),
            })
            .WithActorSystemLivenessCheck(tags: [ManagementEndpoints.LiveTag, ManagementEndpoints.ReadyTag])
            .WithAkkaClusterReadinessCheck(tags: [ManagementEndpoints.ReadyTag])
            .WithHealthCheck("journal-writable", new JournalHealthCheck(settings.Management.JournalProbeTimeout), tags: [ManagementEndpoints.ReadyTag])
            .WithHealthCheck("suppression-list", new SuppressionReadyCheck(settings.Suppression.Shards, settings.Suppression.CheckTimeout), tags: [ManagementEndpoints.ReadyTag])
            .WithHealthCheck("smtp-tls", new ServerCertificateHealthCheck(ingress.Certificate, settings.Ingress.Listeners, TimeProvider.System), tags: [ManagementEndpoints.ReadyTag])
            .WithActors((system, registry) =>
            {
                var self = Cluster.Get(system);
                if (cluster.SeedNodes.Count == 0) self.Join(self.SelfAddress);
                registry.Register<ClusterMembersView>(system.ActorOf(ClusterMembersView.Props(), "cluster-members"));
                system.ActorOf(ActorMta.Delivery.Sts.TlsReportCounts.Props(mtaSts.Reports), ActorMta.Delivery.Sts.TlsReportCounts.Name);
                var probeId = $"journal-probe-{self.SelfAddress.Host}-{self.SelfAddress.Port}";
                registry.Register<JournalWriteProbe>(system.ActorOf(JournalWriteProbe.SupervisedProps(probeId), "journal-probe"));
            })
            // The suppression list before ingress (the RCPT check) and delivery (hard bounces feed it).
            .WithSuppression(settings.Suppression, TimeProvider.System)
            .WithActors((_, registry) => hardBounces.Connect(registry.Get<SuppressionRegion>()))
            // Delivery and bounces before the queue: partitions look them up when they start.
            .WithDelivery(settings.Delivery, settings.Queue.Partitions, bodies, deliveryLog, TimeProvider.System, [.. ingress.EndPoints.Values], mtaSts, warmUp)
            .WithBounces(settings.Bounces, settings.Queue, bodies, TimeProvider.System)
            .WithQueue(settings.Queue, bodies, TimeProvider.System, registry => registry.Get<DomainDelivery>(), registry => registry.Get<Bouncer>(), deliveryLog, dkim)
            .WithIngress(ingress, settings.Queue.AcceptTimeout, TimeProvider.System, registry => registry.Get<QueueIntake>(),
                (system, registry) => Suppression(system, registry, settings));
    }

    private static RecipientSuppression Suppression(ActorSystem system, IActorRegistry registry, ActorMtaSettings settings) =>
        new(registry.Get<SuppressionRegion>(), settings.Suppression.Shards, settings.Suppression.CheckTimeout,
            Akka.Event.Logging.GetLogger(system, "ActorMta.Suppression"));

    /// <summary>Mutual TLS with the fleet's certificate when there is one; plain TCP only where FleetTlsSettings allowed it.</summary>
    private static RemoteOptions RemoteOptions(FleetSettings cluster, FleetCertificate? certificate) => new()
    {
        HostName = cluster.Hostname,
        PublicHostName = cluster.PublicHostname,
        Port = cluster.Port,
        EnableSsl = certificate is not null,
        Ssl = certificate is null ? new SslOptions() : new SslOptions
        {
            X509Certificate = certificate.Certificate,
            SuppressValidation = false,
            RequireMutualAuthentication = true,
            ValidateCertificateHostname = false,
            CustomValidator = (peer, chain, remote, _, log) => certificate.IsFleetMember(peer, chain, remote, log),
        },
    };

    private static void ConfigureLogging(ILoggingBuilder logging, LoggingSettings settings)
    {
        logging.ClearProviders();
        if (settings.Format == LogFormat.Json)
            logging.AddJsonConsole(o => { o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; o.UseUtcTimestamp = true; });
        else
            logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff "; o.UseUtcTimestamp = true; });
        logging.SetMinimumLevel(settings.Level);
        // Kestrel's per-request lines drown the mail log; warnings still show.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Warning);
    }

    private static Akka.Event.LogLevel ToAkkaLevel(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => Akka.Event.LogLevel.DebugLevel,
        LogLevel.Information => Akka.Event.LogLevel.InfoLevel,
        LogLevel.Warning => Akka.Event.LogLevel.WarningLevel,
        _ => Akka.Event.LogLevel.ErrorLevel,
    };

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>
    /// Whether the node stopped because it was told to (SIGTERM, a leave, the actor system's own
    /// termination) rather than because the cluster or the transport gave up on it (downed by
    /// Split Brain Resolver, could not join, a peer without the fleet certificate).
    /// </summary>
    public bool StoppedCleanly => CoordinatedShutdown.Get(System).ShutdownReason is null
        or CoordinatedShutdown.ClrExitReason
        or CoordinatedShutdown.ClusterLeavingReason
        or CoordinatedShutdown.ActorSystemTerminateReason;

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _ingress.Dispose();
        // After delivery has stopped: the last counts are on disk.
        await _warmUp.DisposeAsync();
    }
}
