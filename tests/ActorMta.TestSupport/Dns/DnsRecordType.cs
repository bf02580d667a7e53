namespace ActorMta.TestSupport.Dns;

/// <summary>The record types the loopback server serves and counts; anything else is counted as <see cref="Other"/>.</summary>
public enum DnsRecordType
{
    A,
    Aaaa,
    Mx,
    Cname,
    Soa,
    Txt,
    Other,
}
