using System.Net;
using ActorMta.Configuration;
using MimeKit;

namespace ActorMta.Bounces;

/// <summary>
/// How DSNs look and how many this node builds at once.
/// </summary>
/// <param name="ReportingMta">The Reporting-MTA of every DSN: the node's host name.</param>
/// <param name="FromMailbox">The From: of DSNs (the mail system, never a person).</param>
/// <param name="ReturnFullMaxSize">RET=FULL: the whole original is returned up to this size, else its headers.</param>
/// <param name="ReturnUnspecifiedMaxSize">No RET given: the whole original up to this size, else its headers.</param>
/// <param name="MaxConcurrent">DSNs read, built and queued at once on this node.</param>
/// <param name="MaxWaiting">Requests that may wait for a turn; beyond that partitions are told to ask again later.</param>
/// <param name="Timeout">How long reading the original, building and queueing one DSN may take.</param>
/// <param name="ReturnHeadersMaxSize">When only headers are returned: at most this many octets of them, cut where a field begins.</param>
public sealed record BounceSettings(
    string ReportingMta,
    MailboxAddress FromMailbox,
    long ReturnFullMaxSize,
    long ReturnUnspecifiedMaxSize,
    int MaxConcurrent,
    int MaxWaiting,
    TimeSpan Timeout,
    long ReturnHeadersMaxSize = 64 * 1024)
{
    public static BounceSettings From(SettingsReader settings, NodeSettings node) => new(
        node.Hostname,
        FromAddress(settings, node.Hostname),
        settings.Size("actormta.bounces.return-full-max-size"),
        settings.Size("actormta.bounces.return-unspecified-max-size"),
        settings.Int("actormta.bounces.max-concurrent", 1, 1024),
        settings.Int("actormta.bounces.max-waiting", 0),
        settings.Duration("actormta.bounces.timeout", TimeSpan.FromSeconds(1)),
        settings.Size("actormta.bounces.return-headers-max-size", min: 1024));

    private static MailboxAddress FromAddress(SettingsReader settings, string hostname)
    {
        const string path = "actormta.bounces.from";
        var configured = settings.String(path);
        if (configured.Length == 0) return new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@" + MailDomain(hostname));
        if (MailboxAddress.TryParse(configured, out var mailbox) && mailbox.Address.Contains('@')) return mailbox;
        throw new SettingException(path, configured, "a mailbox, e.g. \"Mail Delivery System <MAILER-DAEMON@mx.example.com>\", or empty");
    }

    /// <summary>The host name as the domain of a mailbox: an IP address becomes an address literal.</summary>
    private static string MailDomain(string hostname) => IPAddress.TryParse(hostname, out var address)
        ? address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[IPv6:{address}]" : $"[{address}]"
        : hostname;
}
