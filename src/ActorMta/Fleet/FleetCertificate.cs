using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorMta.Configuration;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace ActorMta.Fleet;

/// <summary>
/// The certificate this node presents on the cluster transport, and the fleet's trust: a peer (either
/// side of a connection) is a fleet member only if its certificate chains to one of the trusted
/// certificates (the ca-file, or else this node's own certificate). Host names are not checked: nodes
/// are addressed by pod names or IPs that come and go; the fleet CA is the boundary.
/// </summary>
public sealed class FleetCertificate
{
    private readonly X509Certificate2Collection _trusted;
    private readonly X509Certificate2Collection _intermediates;

    private FleetCertificate(X509Certificate2 certificate, X509Certificate2Collection intermediates, X509Certificate2Collection trusted)
    {
        Certificate = certificate;
        _intermediates = intermediates;
        _trusted = trusted;
    }

    public X509Certificate2 Certificate { get; }

    public static FleetCertificate Load(FleetTlsSettings settings)
    {
        var chain = ReadPem(settings.CertificateFile, "actormta.cluster.tls.certificate-file", "a PEM certificate");
        X509Certificate2 certificate;
        try
        {
            using var leaf = X509Certificate2.CreateFromPemFile(settings.CertificateFile, settings.KeyFile);
            // Through PKCS#12 so the private key is a persisted one SslStream can use on every platform.
            certificate = X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), password: null);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new SettingException("actormta.cluster.tls.key-file", settings.KeyFile, $"the PEM private key of {settings.CertificateFile} ({FirstLine(e)})");
        }
        var trusted = settings.TrustFile is { } trustFile
            ? ReadPem(trustFile, "actormta.cluster.tls.ca-file", "PEM certificates of the fleet's CA")
            : new X509Certificate2Collection(chain[^1]);
        return new FleetCertificate(certificate, new X509Certificate2Collection(chain.Skip(1).ToArray()), trusted);
    }

    /// <summary>Akka.Remote's check of the peer's certificate, on the connecting and on the accepting side.</summary>
    public bool IsFleetMember(X509Certificate2? peer, X509Chain? presented, string remote, ILoggingAdapter log)
    {
        if (peer is null)
        {
            log.Warning("Cluster transport refused {0}: no certificate", remote);
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.AddRange(_intermediates);
        if (presented is not null)
            foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        if (chain.Build(peer)) return true;
        log.Warning("Cluster transport refused {0}: certificate {1} ({2}) is not the fleet's: {3}", remote, peer.Subject, peer.Thumbprint,
            string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim())));
        return false;
    }

    private static X509Certificate2Collection ReadPem(string path, string setting, string expected)
    {
        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(path);
            if (certificates.Count == 0) throw new CryptographicException("no CERTIFICATE block");
            return certificates;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new SettingException(setting, path, $"{expected} ({FirstLine(e)})");
        }
    }

    private static string FirstLine(Exception e) => e.Message.Split('\n')[0].Trim();
}
