using ActorMta.Bounces;
using ActorMta.Delivery;
using ActorMta.Fleet;
using ActorMta.Ingress;
using ActorMta.Ingress.Http;
using ActorMta.Management;
using ActorMta.Queue;
using ActorMta.Queue.Journal;
using Akka.Configuration;

using ActorMta.Configuration;

namespace ActorMta;

/// <summary>
/// Every setting of the node, read and validated once at start-up: a bad value stops the start
/// with a <see cref="SettingException"/> before anything binds a port or opens a file.
/// </summary>
public sealed record ActorMtaSettings(
    Config Config,
    NodeSettings Node,
    FleetSettings Fleet,
    JournalSettings Journal,
    IngressSettings Ingress,
    QueueSettings Queue,
    DeliverySettings Delivery,
    BounceSettings Bounces,
    ManagementSettings Management,
    LoggingSettings Logging)
{
    /// <summary>actormta.inject: the HTTP injection API.</summary>
    public InjectSettings Inject { get; init; } = InjectSettings.Default;

    /// <summary>actormta.dkim: signing accepted mail.</summary>
    public Dkim.DkimSettings Dkim { get; init; } = ActorMta.Dkim.DkimSettings.None;
    /// <summary>actormta.suppression: the fleet-wide suppression list.</summary>
    public Suppression.SuppressionSettings Suppression { get; init; } = ActorMta.Suppression.SuppressionSettings.Default;

    /// <summary>Where the settings were read from (null when built from a Config alone): DKIM reads it again when it changes.</summary>
    public ConfigSource? Source { get; init; }

    /// <summary>Reads and checks the layered configuration, remembering where it came from.</summary>
    public static ActorMtaSettings Load(ConfigSource source) => From(source.Load()) with { Source = source };

    public static ActorMtaSettings From(Config config)
    {
        var reader = new SettingsReader(config);
        var node = NodeSettings.From(reader);
        var settings = new ActorMtaSettings(
            config,
            node,
            FleetSettings.From(reader),
            JournalSettings.From(reader, node),
            IngressSettings.From(reader, node),
            QueueSettings.From(reader),
            DeliverySettings.From(reader, node),
            BounceSettings.From(reader, node),
            ManagementSettings.From(reader, node),
            LoggingSettings.From(reader))
        {
            Inject = InjectSettings.From(reader),
            Dkim = ActorMta.Dkim.DkimSettings.From(reader, node),
            Suppression = ActorMta.Suppression.SuppressionSettings.From(reader),
        };
        // Settings that are each valid but conflict with one another.
        DeliveryLeaseCheck.Check(reader, settings.Queue, settings.Delivery);
        return settings;
    }
}
