using System.Net;
using ActorMta.Smtp.Client;

namespace ActorMta.Delivery.Routing;

/// <summary>Where mail for a destination domain goes: its MX hosts, fixed hosts, a smarthost, or a local maildir.</summary>
public abstract record DeliveryRoute
{
    private DeliveryRoute()
    {
    }

    /// <summary>The route's kind as configured (mx, static, smarthost, maildir): for status views and the delivery log.</summary>
    public abstract string Kind { get; }

    /// <summary>The domain's MX hosts (or its implicit MX), found with DnsClient, on <paramref name="Port"/> (25 outside tests).</summary>
    public sealed record Mx(int Port, TlsPolicy Tls, bool VerifyCertificate) : DeliveryRoute
    {
        public override string Kind => "mx";
    }

    /// <summary>
    /// Fixed next hops tried in order: a static list of hosts, or a smarthost (which usually wants
    /// STARTTLS and AUTH, e.g. smtp.gmail.com:587). Host names are looked up with the system resolver.
    /// </summary>
    public sealed record Relay(string Name, IReadOnlyList<HostAndPort> Hosts, TlsPolicy Tls, bool VerifyCertificate, NetworkCredential? Credentials) : DeliveryRoute
    {
        public override string Kind => Name;
    }

    /// <summary>Each message is written as a file into a local maildir (tmp/ then new/).</summary>
    public sealed record Maildir(string Directory) : DeliveryRoute
    {
        public override string Kind => "maildir";
    }
}
