namespace ActorMta.TestSupport.Dns;

/// <summary>One resource record as configured: <paramref name="Data"/> is an address or a target name ("" for the root).</summary>
internal sealed record ZoneRecord(DnsRecordType Type, int TimeToLive, string Data, ushort Preference = 0);
