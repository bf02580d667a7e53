namespace ActorMta.TestSupport.Dns;

/// <summary>A failure the loopback server is told to produce for a name instead of answering from its zone.</summary>
internal enum DnsFault
{
    /// <summary>Answer with RCODE SERVFAIL.</summary>
    ServerFailure,

    /// <summary>Answer with RCODE REFUSED.</summary>
    Refused,

    /// <summary>Never answer, so the client times out.</summary>
    Drop,
}
