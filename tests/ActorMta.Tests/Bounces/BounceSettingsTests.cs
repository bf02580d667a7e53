using System.Collections;
using ActorMta.Configuration;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Bounces;

public sealed class BounceSettingsTests : IDisposable
{
    private readonly string _operatorFile = Path.GetTempFileName();

    [Fact]
    public void Defaults_send_DSNs_from_the_mailer_daemon_of_the_node()
    {
        var settings = Load(new Hashtable { ["ACTORMTA_HOSTNAME"] = "mx1.example.com" });

        Assert.Equal("mx1.example.com", settings.ReportingMta);
        Assert.Equal("Mail Delivery System", settings.FromMailbox.Name);
        Assert.Equal("MAILER-DAEMON@mx1.example.com", settings.FromMailbox.Address);
        Assert.Equal(10L * 1024 * 1024, settings.ReturnFullMaxSize);
        Assert.Equal(100L * 1024, settings.ReturnUnspecifiedMaxSize);
        Assert.Equal(4, settings.MaxConcurrent);
        Assert.Equal(10_000, settings.MaxWaiting);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.Timeout);
    }

    [Theory]
    [InlineData("192.0.2.25", "MAILER-DAEMON@[192.0.2.25]")]
    [InlineData("2001:db8::25", "MAILER-DAEMON@[IPv6:2001:db8::25]")]
    public void A_node_named_by_address_sends_from_an_address_literal(string hostname, string expected)
    {
        Assert.Equal(expected, Load(new Hashtable { ["ACTORMTA_HOSTNAME"] = hostname }).FromMailbox.Address);
    }

    [Fact]
    public void The_operator_may_name_the_sender_and_the_limits()
    {
        File.WriteAllText(_operatorFile, """
            actormta.bounces {
              from = "Postmaster <postmaster@example.com>"
              return-full-max-size = 1MiB
              return-unspecified-max-size = 0
              max-concurrent = 2
            }
            """);

        var settings = Load(new Hashtable(), _operatorFile);

        Assert.Equal(("Postmaster", "postmaster@example.com"), (settings.FromMailbox.Name, settings.FromMailbox.Address));
        Assert.Equal(1024 * 1024, settings.ReturnFullMaxSize);
        Assert.Equal(0, settings.ReturnUnspecifiedMaxSize);
        Assert.Equal(2, settings.MaxConcurrent);
    }

    [Theory]
    [InlineData("from = \"not a mailbox\"", "actormta.bounces.from")]
    [InlineData("max-concurrent = 0", "actormta.bounces.max-concurrent")]
    [InlineData("return-full-max-size = lots", "actormta.bounces.return-full-max-size")]
    [InlineData("timeout = 0s", "actormta.bounces.timeout")]
    public void Invalid_values_name_the_setting(string line, string path)
    {
        File.WriteAllText(_operatorFile, "actormta.bounces." + line);

        Assert.Equal(path, Assert.Throws<SettingException>(() => Load(new Hashtable(), _operatorFile)).Path);
    }

    private static ActorMta.Bounces.BounceSettings Load(Hashtable environment, string? operatorFile = null) =>
        ActorMtaSettings.From(ActorMtaConfig.Load(operatorFile, environment, Repository.DefaultsFile)).Bounces;

    public void Dispose() => File.Delete(_operatorFile);
}
