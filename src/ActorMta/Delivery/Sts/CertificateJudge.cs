using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ActorMta.Delivery.Sts;

/// <summary>What is wrong with a server's certificate under WebPKI rules (RFC 8461 4.2), in TLS-RPT's terms.</summary>
public enum CertificateVerdict
{
    Valid,
    HostMismatch,
    Expired,
    NotTrusted,
    Missing,
}

/// <summary>
/// Judges a TLS server certificate: chain to a trusted root (the system's, or one of the configured extra CAs)
/// and the name asked for. Used for both the policy host (HTTPS) and MX hosts (STARTTLS).
/// </summary>
public sealed class CertificateJudge(X509Certificate2Collection extraAuthorities, TimeProvider clock)
{
    public CertificateVerdict Judge(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return CertificateVerdict.Missing;
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return CertificateVerdict.HostMismatch;
        if (!errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors)) return CertificateVerdict.Valid;
        using var server = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var now = clock.GetUtcNow().UtcDateTime;
        if (now > server.NotAfter.ToUniversalTime() || now < server.NotBefore.ToUniversalTime()) return CertificateVerdict.Expired;
        return extraAuthorities.Count > 0 && ChainsToExtraAuthority(server, chain) ? CertificateVerdict.Valid : CertificateVerdict.NotTrusted;
    }

    /// <summary>A callback for SslStream that records the verdict and decides by <paramref name="enforce"/>.</summary>
    public RemoteCertificateValidationCallback Callback(bool enforce, Action<CertificateVerdict> verdict) => (_, certificate, chain, errors) =>
    {
        var judged = Judge(certificate, chain, errors);
        verdict(judged);
        return !enforce || judged == CertificateVerdict.Valid;
    };

    private bool ChainsToExtraAuthority(X509Certificate2 server, X509Chain? presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(extraAuthorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1")); // server authentication
        if (presented is not null)
            foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        return chain.Build(server);
    }

    /// <summary>TLS-RPT's result type (RFC 8460 4.3) for a failed verdict.</summary>
    public static string ResultType(CertificateVerdict verdict) => verdict switch
    {
        CertificateVerdict.HostMismatch => "certificate-host-mismatch",
        CertificateVerdict.Expired => "certificate-expired",
        CertificateVerdict.NotTrusted => "certificate-not-trusted",
        _ => "validation-failure",
    };
}
