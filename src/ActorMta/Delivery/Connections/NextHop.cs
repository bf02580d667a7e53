using System.Collections.Immutable;
using System.Net;

namespace ActorMta.Delivery.Connections;

/// <summary>A host to connect to (an MX host, a static host, a smarthost) and its addresses with port, in the order to try them.</summary>
public sealed record NextHop(string Host, ImmutableArray<IPEndPoint> EndPoints);
