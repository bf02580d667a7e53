using System.Collections;
using System.Net;
using ActorMta.Configuration;
using ActorMta.Ingress.Listeners;
using ActorMta.Smtp;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Ingress;

public sealed class IngressSettingsTests
{
    private static ActorMtaSettings Load(Hashtable environment) => ActorMtaSettings.From(ActorMtaConfig.Load(null, environment, Repository.DefaultsFile));

    [Fact]
    public void Defaults_bind_three_listeners_to_loopback_on_unprivileged_ports()
    {
        var ingress = Load(new Hashtable()).Ingress;

        Assert.Equal(
            [
                ("relay", ListenerRole.Relay, "127.0.0.1:2525"),
                ("submission", ListenerRole.Submission, "127.0.0.1:5870"),
                ("smtps", ListenerRole.Smtps, "127.0.0.1:4650"),
            ],
            ingress.Listeners.Select(l => (l.Name, l.Role, l.EndPoint.ToString())));
        Assert.True(ingress.TrustedNetworks.Contains(IPAddress.Loopback));
        Assert.True(ingress.TrustedNetworks.Contains(IPAddress.IPv6Loopback));
        Assert.False(ingress.TrustedNetworks.Contains(IPAddress.Parse("127.0.0.9")));
        Assert.Equal(0, ingress.AcceptedDomains.Count);
        Assert.Equal(100, ingress.Limits.MaxRecipients);
        Assert.Equal(50, ingress.Limits.MaxReceivedHeaders);
        Assert.Equal(25L * 1024 * 1024, ingress.Limits.MaxMessageSize);
        Assert.Equal(BareLineEndingHandling.Reject, ingress.Limits.BareLineEndings);
        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(10)),
            (ingress.Timeouts.Greeting, ingress.Timeouts.Command, ingress.Timeouts.DataBlock, ingress.Timeouts.DataTermination));
        Assert.Null(ingress.Tls.CertificateFile);
        Assert.Equal(Path.Combine(Path.GetFullPath("data"), "credentials"), ingress.Auth.CredentialsFile);
    }

    [Fact]
    public void Every_bind_address_port_and_policy_list_is_settable_by_environment()
    {
        var ingress = Load(new Hashtable
        {
            ["ACTORMTA_SMTP_RELAY_HOST"] = "0.0.0.0",
            ["ACTORMTA_SMTP_RELAY_PORT"] = "25",
            ["ACTORMTA_SMTP_SUBMISSION_HOST"] = "::",
            ["ACTORMTA_SMTP_SUBMISSION_PORT"] = "587",
            ["ACTORMTA_SMTP_SMTPS_HOST"] = "::1",
            ["ACTORMTA_SMTP_SMTPS_PORT"] = "465",
            ["ACTORMTA_TRUSTED_NETWORKS"] = "10.0.0.0/8, 2001:db8::/32",
            ["ACTORMTA_ACCEPTED_DOMAINS"] = "example.com,.example.net",
            ["ACTORMTA_CREDENTIALS_FILE"] = "/etc/actormta/users",
            ["ACTORMTA_TLS_CERTIFICATE_FILE"] = "/etc/actormta/cert.pem",
            ["ACTORMTA_TLS_KEY_FILE"] = "/etc/actormta/key.pem",
        }).Ingress;

        Assert.Equal(["0.0.0.0:25", "[::]:587", "[::1]:465"], ingress.Listeners.Select(l => l.EndPoint.ToString()));
        Assert.True(ingress.TrustedNetworks.Contains(IPAddress.Parse("10.1.2.3")));
        Assert.False(ingress.TrustedNetworks.Contains(IPAddress.Loopback));
        Assert.True(ingress.AcceptedDomains.Contains("example.com"));
        Assert.True(ingress.AcceptedDomains.Contains("mx.example.net"));
        Assert.Equal("/etc/actormta/users", ingress.Auth.CredentialsFile);
        Assert.Equal(("/etc/actormta/cert.pem", "/etc/actormta/key.pem"), (ingress.Tls.CertificateFile, ingress.Tls.KeyFile));
    }

    [Theory]
    [InlineData("ACTORMTA_SMTP_RELAY_PORT", "smtp", "actormta.smtp.listeners.relay.port")]
    [InlineData("ACTORMTA_SMTP_SUBMISSION_HOST", "localhost", "actormta.smtp.listeners.submission.hostname")]
    [InlineData("ACTORMTA_SMTP_SMTPS_PORT", "70000", "actormta.smtp.listeners.smtps.port")]
    [InlineData("ACTORMTA_TRUSTED_NETWORKS", "10.0.0.1/8", "actormta.smtp.trusted-networks")]
    [InlineData("ACTORMTA_ACCEPTED_DOMAINS", "not a domain", "actormta.smtp.accepted-domains")]
    [InlineData("ACTORMTA_TLS_CERTIFICATE_FILE", "/etc/cert.pem", "actormta.smtp.tls.key-file")]
    [InlineData("ACTORMTA_TLS_KEY_FILE", "/etc/key.pem", "actormta.smtp.tls.certificate-file")]
    [InlineData("ACTORMTA_CREDENTIALS_FILE", "", "actormta.smtp.auth.credentials-file")]
    public void Invalid_values_name_the_setting_in_one_line(string variable, string value, string path)
    {
        var error = Assert.Throws<SettingException>(() => Load(new Hashtable { [variable] = value }));

        Assert.Equal(path, error.Path);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("actormta.smtp.listeners.relay.role = lmtp", "actormta.smtp.listeners.relay.role")]
    [InlineData("actormta.smtp.listeners.relay.enabled = maybe", "actormta.smtp.listeners.relay.enabled")]
    [InlineData("actormta.smtp.reserved-for-trusted = -1", "actormta.smtp.reserved-for-trusted")]
    [InlineData("actormta.smtp.max-recipients = 0", "actormta.smtp.max-recipients")]
    [InlineData("actormta.smtp.max-message-size = 10", "actormta.smtp.max-message-size")]
    [InlineData("actormta.smtp.timeouts.command = never", "actormta.smtp.timeouts.command")]
    [InlineData("actormta.smtp.bare-line-endings = keep", "actormta.smtp.bare-line-endings")]
    [InlineData("actormta.smtp.auth.max-failures = 0", "actormta.smtp.auth.max-failures")]
    [InlineData("actormta.smtp.auth.max-parallel-verifications = 0", "actormta.smtp.auth.max-parallel-verifications")]
    [InlineData("actormta.smtp.auth.max-queued-verifications = -1", "actormta.smtp.auth.max-queued-verifications")]
    [InlineData("actormta.smtp.auth.tracked-clients = 0", "actormta.smtp.auth.tracked-clients")]
    [InlineData("actormta.smtp.client-ipv6-prefix = 129", "actormta.smtp.client-ipv6-prefix")]
    [InlineData("actormta.smtp.client-ipv4-prefix = 0", "actormta.smtp.client-ipv4-prefix")]
    [InlineData("actormta.smtp.max-session-duration = 0s", "actormta.smtp.max-session-duration")]
    [InlineData("actormta.smtp.max-commands-per-session = 0", "actormta.smtp.max-commands-per-session")]
    [InlineData("actormta.smtp.turn-away.max-pending = -1", "actormta.smtp.turn-away.max-pending")]
    [InlineData("actormta.smtp.turn-away.timeout = 0s", "actormta.smtp.turn-away.timeout")]
    public void Invalid_file_settings_name_the_setting(string hocon, string path)
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "operator.conf");
        File.WriteAllText(file, hocon);

        var error = Assert.Throws<SettingException>(() => ActorMtaSettings.From(ActorMtaConfig.Load(file, new Hashtable(), Repository.DefaultsFile)));
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void Listeners_can_be_disabled_and_added_in_the_operators_file()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "operator.conf");
        File.WriteAllText(file, """
            actormta.smtp.listeners.smtps.enabled = off
            actormta.smtp.listeners.internal { role = relay, hostname = "10.0.0.5", port = 2526, pregreet-wait = 0s, enabled = on }
            """);

        var listeners = ActorMtaSettings.From(ActorMtaConfig.Load(file, new Hashtable(), Repository.DefaultsFile)).Ingress.Listeners;

        Assert.Equal(["relay", "submission", "internal"], listeners.Select(l => l.Name));
        Assert.Equal("10.0.0.5:2526", listeners.Single(l => l.Name == "internal").EndPoint.ToString());
    }
}
