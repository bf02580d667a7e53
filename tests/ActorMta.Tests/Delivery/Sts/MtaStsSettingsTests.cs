using ActorMta.Configuration;
using ActorMta.Delivery.Sts;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Delivery.Sts;

public sealed class MtaStsSettingsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private MtaStsSettings Read(string hocon, IDictionary<string, string>? environment = null) =>
        DeliveryTestBed.ReadSettings(hocon, _data.Path, environment).Delivery.MtaSts!;

    [Fact]
    public void Defaults_honour_policies_with_the_documented_bounds()
    {
        var settings = Read("");

        Assert.Equal((true, TimeSpan.FromSeconds(10), TimeSpan.FromDays(7), TimeSpan.FromHours(1), 443, 0, 10_000),
            (settings.Enabled, settings.FetchTimeout, settings.MaxAgeCap, settings.RecheckAfter, settings.PolicyPort, settings.TrustedAuthorities.Count, settings.MaxCachedDomains));
        Assert.Equal((Path.Combine(_data.Path, "tls-report.json"), 8, TimeSpan.FromSeconds(3)), (settings.ReportFile, settings.ReportDays, settings.ReportAskTimeout));
    }

    [Fact]
    public void The_environment_turns_it_off_and_extra_CAs_are_read_from_PEM_files()
    {
        using var authority = new FleetCertificates();

        var settings = Read($"actormta.delivery.mta-sts.trusted-ca-files = [\"{authority.CaFile}\"]", new Dictionary<string, string> { ["ACTORMTA_MTA_STS"] = "off" });

        Assert.False(settings.Enabled);
        Assert.Equal(authority.Authority.Thumbprint, Assert.Single(settings.TrustedAuthorities).Thumbprint);
    }

    [Theory]
    [InlineData("actormta.delivery.mta-sts.enabled = perhaps", "actormta.delivery.mta-sts.enabled")]
    [InlineData("actormta.delivery.mta-sts.fetch-timeout = 0s", "actormta.delivery.mta-sts.fetch-timeout")]
    [InlineData("actormta.delivery.mta-sts.policy-port = 0", "actormta.delivery.mta-sts.policy-port")]
    [InlineData("actormta.delivery.mta-sts.cache-size = 0", "actormta.delivery.mta-sts.cache-size")]
    [InlineData("actormta.delivery.mta-sts.report-days = -1", "actormta.delivery.mta-sts.report-days")]
    [InlineData("actormta.delivery.mta-sts.report-days = 367", "actormta.delivery.mta-sts.report-days")]
    [InlineData("actormta.delivery.mta-sts.report-ask-timeout = 0s", "actormta.delivery.mta-sts.report-ask-timeout")]
    [InlineData("actormta.delivery.mta-sts.trusted-ca-files = [\"no-such-ca.pem\"]", "actormta.delivery.mta-sts.trusted-ca-files")]
    public void Invalid_values_name_the_setting(string hocon, string path)
    {
        var exception = Assert.Throws<SettingException>(() => Read(hocon));

        Assert.Equal(path, exception.Path);
        Assert.DoesNotContain('\n', exception.Message);
    }

    [Fact]
    public void A_file_without_a_certificate_is_refused()
    {
        File.WriteAllText(Path.Combine(_data.Path, "empty.pem"), "not a certificate\n");

        var exception = Assert.Throws<SettingException>(() => Read("actormta.delivery.mta-sts.trusted-ca-files = [\"empty.pem\"]"));

        Assert.Equal("actormta.delivery.mta-sts.trusted-ca-files", exception.Path);
    }
}
