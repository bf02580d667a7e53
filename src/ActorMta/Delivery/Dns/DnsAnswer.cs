using System.Diagnostics;
using System.Net.Sockets;
using DnsClient;

namespace ActorMta.Delivery.Dns;

/// <summary>One DNS question's outcome, sorted into what the MX logic distinguishes.</summary>
internal sealed record DnsAnswer
{
    private DnsAnswer(IDnsQueryResponse? response, ResolutionFailure? temporaryFailure, string problem)
    {
        Response = response;
        TemporaryFailure = temporaryFailure;
        Problem = problem;
    }

    /// <summary>The response for NOERROR and NXDOMAIN; null when the query failed.</summary>
    public IDnsQueryResponse? Response { get; }

    /// <summary>Set when asking again later may give a better answer (timeout, SERVFAIL, REFUSED, ...).</summary>
    public ResolutionFailure? TemporaryFailure { get; }

    /// <summary>What went wrong, for the failure reason ("" when nothing did).</summary>
    public string Problem { get; }

    public bool IsNoSuchName => Response?.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain;

    /// <summary>Asks <paramref name="dns"/> one question; never throws for DNS or network trouble.</summary>
    public static async Task<DnsAnswer> AskAsync(ILookupClient dns, string name, QueryType type)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await AskOnceAsync(dns, name, type).ConfigureAwait(false);
        DeliveryMetrics.DnsAnswered(type.ToString(), answer.Outcome, Stopwatch.GetElapsedTime(started));
        return answer;
    }

    /// <summary>The answer's kind as a metric label: ok, nxdomain, timeout or servfail (any other failure).</summary>
    private string Outcome => TemporaryFailure switch
    {
        ResolutionFailure.DnsTimeout => "timeout",
        not null => "servfail",
        _ => IsNoSuchName ? "nxdomain" : "ok",
    };

    private static async Task<DnsAnswer> AskOnceAsync(ILookupClient dns, string name, QueryType type)
    {
        try
        {
            var response = await dns.QueryAsync(name, type, QueryClass.IN).ConfigureAwait(false);
            return response.Header.ResponseCode switch
            {
                DnsHeaderResponseCode.NoError => new DnsAnswer(response, null, ""),
                DnsHeaderResponseCode.NotExistentDomain => new DnsAnswer(response, null, $"{type} lookup for {name}: NXDOMAIN"),
                var code => new DnsAnswer(null, ResolutionFailure.DnsServerFailure, $"{type} lookup for {name} failed: {Describe(code)}"),
            };
        }
        catch (DnsResponseException e) when (e.Code == DnsResponseCode.ConnectionTimeout)
        {
            return new DnsAnswer(null, ResolutionFailure.DnsTimeout, $"{type} lookup for {name} timed out");
        }
        catch (DnsResponseException e)
        {
            return new DnsAnswer(null, ResolutionFailure.DnsServerFailure, $"{type} lookup for {name} failed: {e.DnsError}");
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            // DnsClient wraps most network trouble itself; what slips through is just as temporary.
            return new DnsAnswer(null, ResolutionFailure.DnsServerFailure, $"{type} lookup for {name} failed: {e.Message}");
        }
    }

    private static string Describe(DnsHeaderResponseCode code) => code switch
    {
        DnsHeaderResponseCode.ServerFailure => "SERVFAIL",
        DnsHeaderResponseCode.Refused => "REFUSED",
        DnsHeaderResponseCode.FormatError => "FORMERR",
        DnsHeaderResponseCode.NotImplemented => "NOTIMP",
        _ => $"RCODE {(int)code}",
    };
}
