using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.RegularExpressions;
using ActorMta.Delivery.Dns;
using ActorMta.Delivery.Egress;
using DnsClient;

namespace ActorMta.Delivery.Sts;

/// <summary>What the _mta-sts TXT record says (RFC 8461 3.1).</summary>
internal enum StsRecordState { Found, Absent, Failed }

internal sealed record StsRecord(StsRecordState State, string? Id, TimeSpan TimeToLive, string Problem);

/// <summary>A policy fetch's outcome: the policy, or TLS-RPT's result type (sts-policy-fetch-error, -invalid, sts-webpki-invalid) and why.</summary>
internal sealed record PolicyFetch(MtaStsPolicy? Policy, string ResultType, string Problem);

/// <summary>
/// The network side of MTA-STS: the TXT record _mta-sts.DOMAIN through the node's DNS resolver, then the policy by
/// HTTPS GET https://mta-sts.DOMAIN/.well-known/mta-sts.txt (RFC 8461 3.3): the host looked up through the same
/// resolver (and screened like an MX answer), a WebPKI-valid certificate, no redirects, 200 and text/plain only,
/// at most 64 KB, within the fetch timeout.
/// </summary>
internal sealed partial class MtaStsFetcher : IDisposable
{
    private readonly ILookupClient _dns;
    private readonly HostAddressLookup _hosts;
    private readonly MtaStsSettings _settings;
    private readonly DestinationSettings _destinations;
    private readonly HttpClient _http;

    public MtaStsFetcher(MtaStsSettings settings, ILookupClient dns, MailExchangerResolverSettings dnsSettings, DestinationSettings destinations, CertificateJudge judge)
    {
        _dns = dns;
        _hosts = new HostAddressLookup(dns, dnsSettings);
        _settings = settings;
        _destinations = destinations;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // RFC 8461 3.3: redirects are not followed
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectTimeout = settings.FetchTimeout,
            ConnectCallback = ConnectAsync,
            SslOptions = { RemoteCertificateValidationCallback = judge.Callback(enforce: true, _ => { }) },
        };
        _http = new HttpClient(handler) { Timeout = settings.FetchTimeout };
    }

    [GeneratedRegex(@"^v=STSv1\s*(;|$)", RegexOptions.CultureInvariant)]
    private static partial Regex StsRecordStart();

    [GeneratedRegex(@"(^|;)\s*id=([A-Za-z0-9]{1,32})\s*(;|$)", RegexOptions.CultureInvariant)]
    private static partial Regex StsRecordId();

    public async Task<StsRecord> LookUpRecordAsync(string domain)
    {
        var answer = await DnsAnswer.AskAsync(_dns, $"_mta-sts.{domain}", QueryType.TXT).ConfigureAwait(false);
        if (answer.TemporaryFailure is not null) return new StsRecord(StsRecordState.Failed, null, TimeSpan.Zero, answer.Problem);
        var records = answer.Response!.Answers.TxtRecords()
            .Select(r => (Text: string.Concat(r.Text), r.TimeToLive))
            .Where(r => StsRecordStart().IsMatch(r.Text))
            .ToArray();
        // RFC 8461 3.1: none, or more than one, means the domain has no policy.
        if (records.Length != 1)
            return new StsRecord(StsRecordState.Absent, null, TimeSpan.Zero, records.Length == 0 ? "no v=STSv1 TXT record" : "more than one v=STSv1 TXT record");
        var id = StsRecordId().Match(records[0].Text);
        return id.Success
            ? new StsRecord(StsRecordState.Found, id.Groups[2].Value, TimeSpan.FromSeconds(records[0].TimeToLive), "")
            : new StsRecord(StsRecordState.Absent, null, TimeSpan.Zero, $"TXT record without a valid id: {records[0].Text}");
    }

    public async Task<PolicyFetch> FetchAsync(string domain, CancellationToken cancellation)
    {
        var uri = new Uri($"https://mta-sts.{domain}/.well-known/mta-sts.txt");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK) return FetchError($"{uri} answered {(int)response.StatusCode} (not 200; redirects are not followed)");
            if (response.Content.Headers.ContentType is not { MediaType: "text/plain" })
                return FetchError($"{uri} is {response.Content.Headers.ContentType?.MediaType ?? "without a media type"}, not text/plain");
            if (response.Content.Headers.ContentLength > MtaStsSettings.MaxPolicySize) return FetchError($"{uri} is larger than 64 KB");
            var text = await ReadLimitedAsync(response.Content, cancellation).ConfigureAwait(false);
            if (text is null) return FetchError($"{uri} is larger than 64 KB");
            var policy = MtaStsPolicy.Parse(text, out var error);
            return policy is null ? new PolicyFetch(null, "sts-policy-invalid", $"{uri}: {error}") : new PolicyFetch(policy, "", "");
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
        {
            return new PolicyFetch(null, "sts-webpki-invalid", $"{uri}: the policy host's certificate is not valid: {e.InnerException.Message}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            return FetchError($"{uri}: {e.GetBaseException().Message}");
        }

        static PolicyFetch FetchError(string problem) => new(null, "sts-policy-fetch-error", problem);
    }

    private static async Task<string?> ReadLimitedAsync(HttpContent content, CancellationToken cancellation)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        var buffer = new byte[MtaStsSettings.MaxPolicySize + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellation).ConfigureAwait(false)) > 0) read += n;
        return read > MtaStsSettings.MaxPolicySize ? null : Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>The policy host through the node's resolver, at the configured port, screened like an MX answer.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellation)
    {
        var host = context.DnsEndPoint.Host;
        var found = await _hosts.LookUpAsync(host).ConfigureAwait(false);
        var addresses = found.Addresses.Where(MayConnectTo).ToArray();
        if (addresses.Length == 0)
            throw new HttpRequestException(found.Addresses.IsEmpty ? $"cannot resolve {host}: {found.Problem}" : $"{host} points only at special (private, loopback, ...) addresses");
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, _settings.PolicyPort), cancellation).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
        }
        throw new HttpRequestException($"cannot connect to {host}: {last?.Message}", last);
    }

    private bool MayConnectTo(IPAddress address)
    {
        if (DestinationPolicy.SpecialRange(address) is null || _destinations.AllowPrivate) return true;
        var v4 = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _destinations.AllowedNetworks.Any(n => n.Contains(address) || n.Contains(v4));
    }

    public void Dispose() => _http.Dispose();
}
