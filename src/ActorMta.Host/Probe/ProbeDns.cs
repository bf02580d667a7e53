using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace ActorMta.Host.Probe;

/// <summary>The dns step: MX of the host (for information: is this a domain whose mail goes elsewhere?) and its A/AAAA addresses.</summary>
public static class ProbeDns
{
    public static async Task<(ProbeStep Step, IReadOnlyList<IPAddress> Addresses)> ResolveAsync(ProbeOptions options)
    {
        if (IPAddress.TryParse(options.Host, out var literal))
            return (new ProbeStep("dns", true, $"{options.Host} is an IP address: no lookup", []), [literal]);

        var lookupOptions = options.DnsServer is { } server ? new LookupClientOptions(new NameServer(server)) : new LookupClientOptions();
        lookupOptions.Timeout = options.Timeout;
        lookupOptions.Retries = 1;
        lookupOptions.UseCache = false;
        lookupOptions.ThrowDnsErrors = false;
        var client = new LookupClient(lookupOptions);
        var details = new List<string>();
        try
        {
            var mx = await client.QueryAsync(options.Host, QueryType.MX);
            var exchangers = mx.Answers.MxRecords().OrderBy(r => r.Preference).Select(r => $"{r.Preference} {r.Exchange.Value.TrimEnd('.')}").ToList();
            details.Add(exchangers.Count > 0 ? $"MX {options.Host}: {string.Join(", ", exchangers)}" : $"MX {options.Host}: none ({Rcode(mx)})");
            var a = await client.QueryAsync(options.Host, QueryType.A);
            var aaaa = await client.QueryAsync(options.Host, QueryType.AAAA);
            var addresses = a.Answers.ARecords().Select(r => r.Address).Concat(aaaa.Answers.AaaaRecords().Select(r => r.Address)).ToList();
            details.Add($"A/AAAA {options.Host}: {(addresses.Count > 0 ? string.Join(", ", addresses) : $"none ({Rcode(a)})")}");
            if (addresses.Count > 0)
                return (new ProbeStep("dns", true, $"{options.Host} has {string.Join(", ", addresses)}", details), addresses);
            var diagnosis = a.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain
                ? $"{options.Host} does not exist in DNS (NXDOMAIN): check the spelling of the server name"
                : a.HasError
                    ? $"the DNS lookup of {options.Host} failed: {a.ErrorMessage}"
                    : $"{options.Host} has no A or AAAA record, so there is nothing to connect to";
            if (exchangers.Count > 0)
                diagnosis += $"; it is a mail domain whose MX is {exchangers[0].Split(' ')[1]}: probe that host instead";
            return (new ProbeStep("dns", false, $"no address for {options.Host}", details, diagnosis), []);
        }
        catch (DnsResponseException e)
        {
            var where = options.DnsServer?.ToString() ?? "the system's DNS servers";
            return (new ProbeStep("dns", false, "DNS did not answer", details,
                $"{where} did not answer for {options.Host} ({e.Message}): check the resolver or the network"), []);
        }
    }

    private static string Rcode(IDnsQueryResponse response) => response.Header.ResponseCode.ToString();
}
