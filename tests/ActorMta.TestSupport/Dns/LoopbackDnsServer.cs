using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;

namespace ActorMta.TestSupport.Dns;

/// <summary>
/// A real DNS server on loopback (UDP and TCP on one random port) answering from an in-memory zone that the test
/// configures fluently. It counts every question so a test can assert caching, or that no query was made at all.
/// Wire format and transports come from ARSoft.Tools.Net's <see cref="DnsServer"/>.
/// </summary>
public sealed class LoopbackDnsServer : IAsyncDisposable, IDisposable
{
    /// <summary>TTL used when a test gives none.</summary>
    public const int DefaultTtl = 300;

    private readonly DnsServer _server;
    private readonly InMemoryZone _zone = new();
    private readonly ConcurrentQueue<DnsQuery> _queries = new();
    private readonly ConditionSignal _changed = new();
    private readonly CancellationTokenSource _stopping = new();

    private LoopbackDnsServer(IPEndPoint endPoint)
    {
        EndPoint = endPoint;
        _server = new DnsServer(new UdpServerTransport(endPoint, 5000), new TcpServerTransport(endPoint, 5000, 5000));
        _server.QueryReceived += OnQueryReceivedAsync;
    }

    /// <summary>The address and port to use as the name server.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Every question received so far, in order.</summary>
    public IReadOnlyList<DnsQuery> Queries => [.. _queries];

    /// <summary>How many questions were received in all.</summary>
    public int TotalQueries => _queries.Count;

    /// <summary>
    /// When true (the default) a CNAME chain inside the configured zones is followed in one answer, as a recursive
    /// resolver does; when false only the CNAME is returned and the client has to ask for the target itself.
    /// </summary>
    public bool FollowCnames
    {
        get => _zone.FollowCnames;
        set => _zone.FollowCnames = value;
    }

    /// <summary>Starts a server on <paramref name="address"/> (default 127.0.0.1) on a free port.</summary>
    public static LoopbackDnsServer Start(IPAddress? address = null)
    {
        var bindAddress = address ?? IPAddress.Loopback;
        SocketException? lastFailure = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            // The port is free a moment before ARSoft binds it; another process may win that race, so try again.
            var server = new LoopbackDnsServer(new IPEndPoint(bindAddress, FreePort.TcpAndUdp(bindAddress)));
            try
            {
                server._server.Start();
                return server;
            }
            catch (SocketException e)
            {
                lastFailure = e;
                server.Dispose();
            }
        }

        throw new InvalidOperationException($"Could not start a DNS server on {bindAddress}.", lastFailure);
    }

    /// <summary>
    /// Declares a zone: names under <paramref name="apex"/> without records get NXDOMAIN, and negative answers carry
    /// an SOA whose TTL and MINIMUM are <paramref name="negativeTtl"/>. Names outside every zone are REFUSED.
    /// </summary>
    public LoopbackDnsServer Zone(string apex, int negativeTtl = DefaultTtl)
    {
        _zone.AddApex(apex, negativeTtl);
        return this;
    }

    /// <summary>Adds an MX record; <paramref name="exchange"/> "." makes it a null MX.</summary>
    public LoopbackDnsServer Mx(string name, ushort preference, string exchange, int ttl = DefaultTtl) =>
        Add(name, new ZoneRecord(DnsRecordType.Mx, ttl, InMemoryZone.Normalize(exchange), preference));

    /// <summary>Adds the RFC 7505 null MX ("MX 0 .") that says the domain accepts no mail.</summary>
    public LoopbackDnsServer NullMx(string name, int ttl = DefaultTtl) => Mx(name, 0, ".", ttl);

    /// <summary>Adds an A record.</summary>
    public LoopbackDnsServer A(string name, string address, int ttl = DefaultTtl) =>
        Add(name, new ZoneRecord(DnsRecordType.A, ttl, RequireFamily(address, AddressFamily.InterNetwork)));

    /// <summary>Adds an AAAA record.</summary>
    public LoopbackDnsServer Aaaa(string name, string address, int ttl = DefaultTtl) =>
        Add(name, new ZoneRecord(DnsRecordType.Aaaa, ttl, RequireFamily(address, AddressFamily.InterNetworkV6)));

    /// <summary>Makes <paramref name="name"/> an alias of <paramref name="target"/>.</summary>
    public LoopbackDnsServer Cname(string name, string target, int ttl = DefaultTtl) =>
        Add(name, new ZoneRecord(DnsRecordType.Cname, ttl, InMemoryZone.Normalize(target)));

    /// <summary>Adds a TXT record (e.g. a DKIM key: "v=DKIM1; k=rsa; p=..."); text over 255 octets is served as several strings.</summary>
    public LoopbackDnsServer Txt(string name, string text, int ttl = DefaultTtl) =>
        Add(name, new ZoneRecord(DnsRecordType.Txt, ttl, text));

    /// <summary>Answers SERVFAIL for <paramref name="name"/> (for one <paramref name="type"/>, or all types).</summary>
    public LoopbackDnsServer ServerFailure(string name, DnsRecordType? type = null) => Fault(name, type, DnsFault.ServerFailure);

    /// <summary>Answers REFUSED for <paramref name="name"/> (for one <paramref name="type"/>, or all types).</summary>
    public LoopbackDnsServer Refuse(string name, DnsRecordType? type = null) => Fault(name, type, DnsFault.Refused);

    /// <summary>Never answers <paramref name="name"/> (for one <paramref name="type"/>, or all types), so the client times out.</summary>
    public LoopbackDnsServer Drop(string name, DnsRecordType? type = null) => Fault(name, type, DnsFault.Drop);

    /// <summary>Answers questions for <paramref name="name"/> over UDP with only the TC bit set, so the client must retry over TCP.</summary>
    public LoopbackDnsServer TruncateOverUdp(string name)
    {
        _zone.TruncateOverUdp(name);
        return this;
    }

    /// <summary>Removes every record and fault of <paramref name="name"/>, so a test can change the answer.</summary>
    public LoopbackDnsServer Forget(string name)
    {
        _zone.Remove(name);
        return this;
    }

    /// <summary>Holds answers for <paramref name="name"/> until the returned hold is released.</summary>
    public DnsAnswerHold Hold(string name, DnsRecordType? type = null) => _zone.Hold(name, type);

    /// <summary>How many questions for <paramref name="name"/> (of <paramref name="type"/>, or of any type) arrived.</summary>
    public int QueryCount(string name, DnsRecordType? type = null)
    {
        var key = InMemoryZone.Normalize(name);
        return _queries.Count(q => q.Name == key && (type is null || q.Type == type));
    }

    /// <summary>Waits until at least <paramref name="count"/> questions for <paramref name="name"/> arrived.</summary>
    public Task WaitForQueriesAsync(string name, DnsRecordType? type, int count, TimeSpan timeout) =>
        _changed.WaitAsync(() => QueryCount(name, type) >= count, timeout, $"{count} DNS queries for {name} {type}");

    /// <summary>Forgets the query log (not the zone).</summary>
    public void ResetQueryLog() => _queries.Clear();

    /// <inheritdoc />
    public void Dispose()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        try
        {
            _server.Stop();
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.All(inner => inner is OperationCanceledException))
        {
            // ARSoft's Stop waits for its listener tasks, which end by cancellation: that is the normal way down.
        }

        _stopping.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private LoopbackDnsServer Add(string name, ZoneRecord record)
    {
        _zone.Add(name, record);
        return this;
    }

    private LoopbackDnsServer Fault(string name, DnsRecordType? type, DnsFault fault)
    {
        _zone.SetFault(name, type, fault);
        return this;
    }

    private static string RequireFamily(string address, AddressFamily family)
    {
        var parsed = IPAddress.Parse(address);
        return parsed.AddressFamily == family
            ? parsed.ToString()
            : throw new ArgumentException($"{address} is not an {family} address.", nameof(address));
    }

    private async Task OnQueryReceivedAsync(object sender, QueryReceivedEventArgs e)
    {
        if (e.Query is not DnsMessage query || query.Questions.Count != 1)
        {
            return;
        }

        var question = query.Questions[0];
        var name = InMemoryZone.Normalize(question.Name.ToString());
        var type = InMemoryZone.ToRecordType(question.RecordType);
        var transport = e.TransportProtocol == TransportProtocol.Udp ? ProtocolType.Udp : ProtocolType.Tcp;
        _queries.Enqueue(new DnsQuery(name, type, transport, e.RemoteEndpoint, DateTimeOffset.UtcNow));
        _changed.Notify();

        try
        {
            if (_zone.HoldFor(name, type) is { } hold)
            {
                await hold.Released.WaitAsync(_stopping.Token);
            }

            var response = query.CreateResponseInstance();
            response.IsRecursionAllowed = true;
            switch (_zone.FaultFor(name, type))
            {
                case DnsFault.Drop:
                    // ARSoft answers SERVFAIL when no response is set, so "no answer" means not returning until shutdown.
                    await Task.Delay(Timeout.Infinite, _stopping.Token);
                    return;
                case DnsFault.ServerFailure:
                    response.ReturnCode = ReturnCode.ServerFailure;
                    break;
                case DnsFault.Refused:
                    response.ReturnCode = ReturnCode.Refused;
                    break;
                default:
                    if (_zone.IsTruncatedOver(name, transport))
                    {
                        response.IsTruncated = true;
                    }
                    else
                    {
                        _zone.Answer(name, question.RecordType, response);
                    }

                    break;
            }

            e.Response = response;
        }
        catch (OperationCanceledException)
        {
            // Shutting down: leave the question unanswered.
        }
    }
}
