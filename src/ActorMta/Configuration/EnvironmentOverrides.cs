using System.Collections;
using System.Text;
using Akka.Configuration;

namespace ActorMta.Configuration;

/// <summary>
/// The settings that change per environment, settable by environment variables. Each one is also
/// documented next to its setting in hocon/actormta.conf ("env NAME"); a test keeps the two in step.
/// </summary>
public static class EnvironmentOverrides
{
    public sealed record Variable(string Name, string Path, bool IsList = false);

    public static readonly IReadOnlyList<Variable> Variables =
    [
        new("ACTORMTA_HOSTNAME", "actormta.node.hostname"),
        new("ACTORMTA_DATA_DIR", "actormta.node.data-directory"),
        new("ACTORMTA_CLUSTER_HOST", "actormta.cluster.hostname"),
        new("ACTORMTA_CLUSTER_PUBLIC_HOST", "actormta.cluster.public-hostname"),
        new("ACTORMTA_CLUSTER_PORT", "actormta.cluster.port"),
        new("ACTORMTA_SEED_NODES", "actormta.cluster.seed-nodes", IsList: true),
        new("ACTORMTA_CLUSTER_ROLES", "actormta.cluster.roles", IsList: true),
        new("ACTORMTA_CLUSTER_CERTIFICATE_FILE", "actormta.cluster.tls.certificate-file"),
        new("ACTORMTA_CLUSTER_KEY_FILE", "actormta.cluster.tls.key-file"),
        new("ACTORMTA_CLUSTER_CA_FILE", "actormta.cluster.tls.ca-file"),
        new("ACTORMTA_CLUSTER_INSECURE", "actormta.cluster.tls.insecure"),
        new("ACTORMTA_JOURNAL_PROVIDER", "actormta.journal.provider"),
        new("ACTORMTA_JOURNAL_CONNECTION_STRING", "actormta.journal.connection-string"),
        new("ACTORMTA_SMTP_RELAY_HOST", "actormta.smtp.listeners.relay.hostname"),
        new("ACTORMTA_SMTP_RELAY_PORT", "actormta.smtp.listeners.relay.port"),
        new("ACTORMTA_SMTP_SUBMISSION_HOST", "actormta.smtp.listeners.submission.hostname"),
        new("ACTORMTA_SMTP_SUBMISSION_PORT", "actormta.smtp.listeners.submission.port"),
        new("ACTORMTA_SMTP_SMTPS_HOST", "actormta.smtp.listeners.smtps.hostname"),
        new("ACTORMTA_SMTP_SMTPS_PORT", "actormta.smtp.listeners.smtps.port"),
        new("ACTORMTA_TRUSTED_NETWORKS", "actormta.smtp.trusted-networks", IsList: true),
        new("ACTORMTA_ACCEPTED_DOMAINS", "actormta.smtp.accepted-domains", IsList: true),
        new("ACTORMTA_TLS_CERTIFICATE_FILE", "actormta.smtp.tls.certificate-file"),
        new("ACTORMTA_TLS_KEY_FILE", "actormta.smtp.tls.key-file"),
        new("ACTORMTA_CREDENTIALS_FILE", "actormta.smtp.auth.credentials-file"),
        new("ACTORMTA_DELIVERY_PAUSED", "actormta.delivery.paused"),
        new("ACTORMTA_DELIVERY_ROUTE", "actormta.delivery.defaults.route"),
        new("ACTORMTA_SMARTHOST", "actormta.delivery.smarthost.address"),
        new("ACTORMTA_SMARTHOST_USERNAME", "actormta.delivery.smarthost.username"),
        new("ACTORMTA_SMARTHOST_PASSWORD", "actormta.delivery.smarthost.password"),
        new("ACTORMTA_EGRESS_ADDRESS", "actormta.delivery.egress-sources.default.address"),
        new("ACTORMTA_DNS_SERVERS", "actormta.delivery.dns.servers", IsList: true),
        new("ACTORMTA_DELIVERY_ALLOW_PRIVATE_DESTINATIONS", "actormta.delivery.allow-private-destinations"),
        new("ACTORMTA_DELIVERY_ALLOWED_NETWORKS", "actormta.delivery.allowed-destination-networks", IsList: true),
        new("ACTORMTA_DELIVERY_LOG_FILE", "actormta.delivery.log.file"),
        new("ACTORMTA_MTA_STS", "actormta.delivery.mta-sts.enabled"),
        new("ACTORMTA_MANAGEMENT_HOST", "actormta.management.hostname"),
        new("ACTORMTA_MANAGEMENT_PORT", "actormta.management.port"),
        new("ACTORMTA_MANAGEMENT_READ_TOKENS", "actormta.management.tokens.read", IsList: true),
        new("ACTORMTA_MANAGEMENT_ADMIN_TOKENS", "actormta.management.tokens.admin", IsList: true),
        new("ACTORMTA_MANAGEMENT_INJECT_TOKENS", "actormta.management.tokens.inject", IsList: true),
        new("ACTORMTA_MANAGEMENT_TOKENS_FILE", "actormta.management.tokens.file"),
        new("ACTORMTA_LOG_FORMAT", "actormta.logging.format"),
        new("ACTORMTA_LOG_LEVEL", "actormta.logging.level"),
    ];

    /// <summary>A config layer holding the variables that are set (empty strings count as set).</summary>
    public static Config FromEnvironment(IDictionary environment)
    {
        var hocon = new StringBuilder();
        foreach (var variable in Variables)
        {
            if (environment[variable.Name] is not string value) continue;
            hocon.Append(variable.Path).Append(" = ");
            if (variable.IsList)
            {
                var items = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                hocon.Append('[').AppendJoin(", ", items.Select(Hocon.Quote)).Append(']');
            }
            else
            {
                hocon.Append(Hocon.Quote(value));
            }
            hocon.Append('\n');
        }
        return hocon.Length == 0 ? Config.Empty : ConfigurationFactory.ParseString(hocon.ToString());
    }
}
