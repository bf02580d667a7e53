using ActorMta.Delivery.Maildir;
using ActorMta.Delivery.Routing;
using ActorMta.Smtp.Client;
using static ActorMta.Delivery.Connections.ConnectionProtocol;

namespace ActorMta.Delivery.Connections;

/// <summary>What a connection of a domain is, by its route: an SMTP session (MX, static hosts, smarthost) or a maildir writer.</summary>
internal static class RouteConnections
{
    public static Factory For(DomainPolicy policy, DeliveryContext context)
    {
        if (policy.Route is DeliveryRoute.Maildir maildir)
        {
            var folder = new MaildirFolder(maildir.Directory, context.Settings.Hostname);
            return (_, _) => MaildirWriter.Props(folder, context.Bodies);
        }
        var (tls, verify, credentials) = policy.Route switch
        {
            DeliveryRoute.Mx mx => (mx.Tls, mx.VerifyCertificate, null),
            DeliveryRoute.Relay relay => (relay.Tls, relay.VerifyCertificate, relay.Credentials),
            _ => throw new InvalidOperationException($"unknown route {policy.Route}"),
        };
        return (hops, source) => OutboundConnection.Props(hops, source,
            new SmtpClientOptions
            {
                HeloName = source.EhloName,
                Tls = tls,
                ValidateCertificate = verify,
                Credentials = credentials,
                Timeouts = context.Settings.Timeouts,
            },
            context.Bodies, policy.Limits.MaxRecipientsPerTransaction,
            // Static hosts and smarthosts are the operator's choice (trusted); only MX answers are checked for loops.
            policy.Route is DeliveryRoute.Mx ? context.Destinations : null,
            policy.Route is DeliveryRoute.Mx ? context.MtaSts : null);
    }
}
