using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ActorMta.Host.Probe;

/// <summary>
/// The tls/starttls step: the handshake accepts any certificate so that everything wrong with it can be
/// reported at once (expiry, chain, host name), then the step fails on the first of those.
/// </summary>
public static class ProbeTls
{
    public static async Task<(ProbeStep Step, SslStream? Stream)> HandshakeAsync(string name, Stream inner, ProbeOptions options, List<string> details)
    {
        X509Certificate2? certificate = null;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false, (_, cert, _, _) =>
        {
            certificate = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
            return true;
        });
        using var cancel = new CancellationTokenSource(options.Timeout);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = options.Host }, cancel.Token);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            await ssl.DisposeAsync();
            var why = e is OperationCanceledException ? $"no TLS handshake within {options.Timeout.TotalSeconds:0.#}s" : e.Message;
            var hint = name == "tls" ? ": does this port speak TLS from the start (465)? For 587 or 25 use --starttls" : "";
            return (new ProbeStep(name, false, "TLS handshake failed", details, $"the TLS handshake failed ({why}){hint}"), null);
        }
        details.Add($"protocol {ssl.SslProtocol}, cipher {ssl.NegotiatedCipherSuite}");
        if (certificate is null)
            return (new ProbeStep(name, false, "no certificate", details, "the server sent no certificate"), null);
        details.Add($"subject {certificate.Subject}");
        details.Add($"names {string.Join(", ", Names(certificate))}");
        details.Add($"issuer {certificate.Issuer}");
        details.Add($"valid {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} to {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC");
        var problems = Problems(certificate, options).ToList();
        details.AddRange(problems.Select(p => "problem: " + p));
        var summary = $"{ssl.SslProtocol}, certificate for {string.Join(", ", Names(certificate).Take(3))}";
        return problems.Count == 0
            ? (new ProbeStep(name, true, summary, details), ssl)
            : (new ProbeStep(name, false, summary, details, string.Join("; ", problems)), ssl);
    }

    private static IEnumerable<string> Problems(X509Certificate2 certificate, ProbeOptions options)
    {
        var now = DateTime.UtcNow;
        if (certificate.NotAfter.ToUniversalTime() < now)
            yield return $"the certificate expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}: mail clients refuse it; renew it";
        else if (certificate.NotBefore.ToUniversalTime() > now)
            yield return $"the certificate is not valid before {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd} (is a clock wrong?)";
        if (!certificate.MatchesHostname(options.Host))
            yield return $"the certificate is for {string.Join(", ", Names(certificate))}, not {options.Host}: clients that check the name refuse it";
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid; // expiry is reported above, in words
        if (options.CaFile is { } caFile)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.ImportFromPemFile(caFile);
        }
        if (!chain.Build(certificate))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            yield return $"the certificate chain does not verify ({status}): a self-signed certificate or a missing intermediate? (--ca-file trusts a private CA)";
        }
    }

    private static IEnumerable<string> Names(X509Certificate2 certificate)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var names = san is null ? [] : san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(a => a.ToString())).ToList();
        return names.Count > 0 ? names : [certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false)];
    }
}
