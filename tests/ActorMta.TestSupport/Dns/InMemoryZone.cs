using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace ActorMta.TestSupport.Dns;

/// <summary>
/// The records, faults and holds a test configured, and how a query is answered from them.
/// Behaves like a recursive resolver in front of authoritative zones: CNAME chains inside the zones are followed
/// in one answer, unknown names under a zone get NXDOMAIN, known names without the asked type get NODATA,
/// and both negative answers carry the zone's SOA so the client can cache them (RFC 2308).
/// </summary>
internal sealed class InMemoryZone
{
    private const int MaxCnameChain = 8;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _negativeTtlByApex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ZoneRecord>> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Name, DnsRecordType? Type), DnsFault> _faults = [];
    private readonly Dictionary<(string Name, DnsRecordType? Type), DnsAnswerHold> _holds = [];
    private readonly HashSet<string> _truncatedOverUdp = new(StringComparer.Ordinal);

    public bool FollowCnames { get; set; } = true;

    public static string Normalize(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();

    public void AddApex(string apex, int negativeTtl)
    {
        lock (_gate)
        {
            _negativeTtlByApex[Normalize(apex)] = negativeTtl;
        }
    }

    public void Add(string name, ZoneRecord record)
    {
        lock (_gate)
        {
            var key = Normalize(name);
            if (!_records.TryGetValue(key, out var list))
            {
                _records[key] = list = [];
            }

            list.Add(record);
        }
    }

    public void Remove(string name)
    {
        var key = Normalize(name);
        lock (_gate)
        {
            _records.Remove(key);
            _truncatedOverUdp.Remove(key);
            foreach (var fault in _faults.Keys.Where(k => k.Name == key).ToList())
            {
                _faults.Remove(fault);
            }
        }
    }

    public void SetFault(string name, DnsRecordType? type, DnsFault fault)
    {
        lock (_gate)
        {
            _faults[(Normalize(name), type)] = fault;
        }
    }

    public void TruncateOverUdp(string name)
    {
        lock (_gate)
        {
            _truncatedOverUdp.Add(Normalize(name));
        }
    }

    public DnsAnswerHold Hold(string name, DnsRecordType? type)
    {
        var hold = new DnsAnswerHold();
        lock (_gate)
        {
            _holds[(Normalize(name), type)] = hold;
        }

        return hold;
    }

    public DnsFault? FaultFor(string name, DnsRecordType type)
    {
        lock (_gate)
        {
            return _faults.TryGetValue((name, type), out var exact) ? exact
                : _faults.TryGetValue((name, null), out var any) ? any
                : null;
        }
    }

    public DnsAnswerHold? HoldFor(string name, DnsRecordType type)
    {
        lock (_gate)
        {
            return _holds.TryGetValue((name, type), out var exact) ? exact
                : _holds.TryGetValue((name, null), out var any) ? any
                : null;
        }
    }

    public bool IsTruncatedOver(string name, ProtocolType transport)
    {
        lock (_gate)
        {
            return transport == ProtocolType.Udp && _truncatedOverUdp.Contains(name);
        }
    }

    /// <summary>Fills <paramref name="response"/> with the answer for (<paramref name="name"/>, <paramref name="type"/>).</summary>
    public void Answer(string name, RecordType type, DnsMessage response)
    {
        lock (_gate)
        {
            var apex = ApexOf(name);
            if (apex is null)
            {
                // Not a zone of ours: a resolver that does not serve this name refuses it.
                response.ReturnCode = ReturnCode.Refused;
                return;
            }

            response.IsAuthoritiveAnswer = true;
            var current = name;
            for (var step = 0; step <= MaxCnameChain; step++)
            {
                var records = _records.GetValueOrDefault(current) ?? [];
                var wanted = records.Where(r => Matches(r.Type, type)).ToList();
                if (wanted.Count > 0)
                {
                    response.AnswerRecords.AddRange(wanted.Select(r => ToRecord(current, r)));
                    return;
                }

                var cname = records.FirstOrDefault(r => r.Type == DnsRecordType.Cname);
                if (cname is not null)
                {
                    response.AnswerRecords.Add(ToRecord(current, cname));
                    var targetApex = ApexOf(cname.Data);
                    if (!FollowCnames || targetApex is null)
                    {
                        return;
                    }

                    current = cname.Data;
                    apex = targetApex;
                    continue;
                }

                var nameExists = records.Count > 0 || _records.Keys.Any(k => k.EndsWith("." + current, StringComparison.Ordinal)) || current == apex;
                response.ReturnCode = nameExists ? ReturnCode.NoError : ReturnCode.NxDomain;
                response.AuthorityRecords.Add(SoaOf(apex));
                return;
            }

            response.ReturnCode = ReturnCode.ServerFailure;
        }
    }

    private static bool Matches(DnsRecordType stored, RecordType asked) => stored switch
    {
        DnsRecordType.A => asked is RecordType.A or RecordType.Any,
        DnsRecordType.Aaaa => asked is RecordType.Aaaa or RecordType.Any,
        DnsRecordType.Mx => asked is RecordType.Mx or RecordType.Any,
        DnsRecordType.Cname => asked is RecordType.CName,
        DnsRecordType.Txt => asked is RecordType.Txt or RecordType.Any,
        _ => false,
    };

    public static DnsRecordType ToRecordType(RecordType type) => type switch
    {
        RecordType.A => DnsRecordType.A,
        RecordType.Aaaa => DnsRecordType.Aaaa,
        RecordType.Mx => DnsRecordType.Mx,
        RecordType.CName => DnsRecordType.Cname,
        RecordType.Soa => DnsRecordType.Soa,
        RecordType.Txt => DnsRecordType.Txt,
        _ => DnsRecordType.Other,
    };

    private string? ApexOf(string name) =>
        _negativeTtlByApex.Keys
            .Where(apex => name == apex || name.EndsWith("." + apex, StringComparison.Ordinal))
            .MaxBy(apex => apex.Length);

    private SoaRecord SoaOf(string apex)
    {
        var ttl = _negativeTtlByApex[apex];
        var origin = DomainName.Parse(apex);
        return new SoaRecord(origin, ttl, DomainName.Parse("ns." + apex), DomainName.Parse("hostmaster." + apex), 1, 3600, 600, 86400, ttl);
    }

    private static DnsRecordBase ToRecord(string owner, ZoneRecord record)
    {
        var name = DomainName.Parse(owner);
        return record.Type switch
        {
            DnsRecordType.A => new ARecord(name, record.TimeToLive, IPAddress.Parse(record.Data)),
            DnsRecordType.Aaaa => new AaaaRecord(name, record.TimeToLive, IPAddress.Parse(record.Data)),
            DnsRecordType.Mx => new MxRecord(name, record.TimeToLive, record.Preference, NameOf(record.Data)),
            DnsRecordType.Cname => new CNameRecord(name, record.TimeToLive, NameOf(record.Data)),
            // One record, its text in strings of at most 255 octets (RFC 1035 3.3.14), as a zone file would split it.
            DnsRecordType.Txt => new TxtRecord(name, record.TimeToLive, [.. record.Data.Chunk(255).Select(c => new string(c))]),
            _ => throw new InvalidOperationException($"Record type {record.Type} is not served."),
        };
    }

    private static DomainName NameOf(string target) => target.Length == 0 ? DomainName.Root : DomainName.Parse(target);
}
