namespace ActorMta.Delivery.Sts;

/// <summary>What a next hop must satisfy under a domain's MTA-STS policy (enforce or testing).</summary>
/// <param name="MxMatches">The MX host matches one of the policy's mx patterns (testing mode keeps the ones that do not).</param>
public sealed record StsCheck(string Domain, MtaStsPolicy Policy, bool MxMatches)
{
    public bool Enforced => Policy.Mode == StsMode.Enforce;
}

/// <summary>The delivery log's mtaSts field: the policy mode and how the session fared against it.</summary>
/// <param name="Result">success, mx-mismatch, starttls-not-supported, certificate-host-mismatch, ..., or fetch-error (no policy in force).</param>
/// <param name="WouldFail">Testing mode: the session broke the policy and went ahead anyway.</param>
public sealed record StsOutcome(string Mode, string Result, bool WouldFail = false);
