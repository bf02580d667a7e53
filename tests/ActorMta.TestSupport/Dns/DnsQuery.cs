using System.Net;
using System.Net.Sockets;

namespace ActorMta.TestSupport.Dns;

/// <summary>One question the loopback server received: the name (lower case, no trailing dot), its type and the transport.</summary>
public sealed record DnsQuery(string Name, DnsRecordType Type, ProtocolType Transport, IPEndPoint Client, DateTimeOffset ReceivedAt);
