using System.Collections.Immutable;
using System.Net;

namespace ActorMta.Delivery.Connections;

/// <summary>A host to connect to (an MX host, a static host, a smarthost) and its addresses with port, in the order to try them.</summary>
/// <param name="Sts">The domain's MTA-STS policy as it applies to this host (MX route, enforce or testing); null: none.</param>
public sealed record NextHop(string Host, ImmutableArray<IPEndPoint> EndPoints, Sts.StsCheck? Sts = null);
