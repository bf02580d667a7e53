using System.Net;

namespace ActorMta.Delivery.Egress;

/// <summary>
/// A local address outbound connections come from, with the name it gives in EHLO (which should
/// match the address's reverse DNS). Limits apply to each source and domain on their own.
/// </summary>
/// <param name="Address">The address to bind; null lets the operating system choose.</param>
public sealed record EgressSource(string Name, IPAddress? Address, string EhloName)
{
    public override string ToString() => Address is null ? Name : $"{Name} ({Address})";
}
