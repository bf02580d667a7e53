using System.Collections;
using ActorMta.Configuration;
using ActorMta.Tests.Configuration;

namespace ActorMta.Tests.Management;

/// <summary>actormta.management.dashboard: documented defaults, the operator's values, and invalid ones refused naming the setting.</summary>
public sealed class DashboardSettingsTests : IDisposable
{
    private static readonly string DefaultsFile = Path.Combine(ConfigurationLayeringTests.RepositoryRoot(), "hocon", "actormta.conf");
    private readonly string _operatorFile = Path.GetTempFileName();

    [Fact]
    public void A_snapshot_every_second_and_eight_streams_by_default_and_the_operator_file_overrides_both()
    {
        var defaults = ActorMtaSettings.From(ActorMtaConfig.Load(null, new Hashtable(), DefaultsFile)).Management.Dashboard;
        Assert.Equal((TimeSpan.FromSeconds(1), 8), (defaults.Interval, defaults.MaxStreams));

        File.WriteAllText(_operatorFile, "actormta.management.dashboard { interval = 5s, max-streams = 2 }");
        var operators = ActorMtaSettings.From(ActorMtaConfig.Load(_operatorFile, new Hashtable(), DefaultsFile)).Management.Dashboard;
        Assert.Equal((TimeSpan.FromSeconds(5), 2), (operators.Interval, operators.MaxStreams));
    }

    [Theory]
    [InlineData("interval = 0s", "actormta.management.dashboard.interval")]
    [InlineData("interval = often", "actormta.management.dashboard.interval")]
    [InlineData("max-streams = 0", "actormta.management.dashboard.max-streams")]
    [InlineData("max-streams = many", "actormta.management.dashboard.max-streams")]
    public void Invalid_values_name_the_setting(string setting, string path)
    {
        File.WriteAllText(_operatorFile, $"actormta.management.dashboard {{ {setting} }}");
        var exception = Assert.Throws<SettingException>(() => ActorMtaSettings.From(ActorMtaConfig.Load(_operatorFile, new Hashtable(), DefaultsFile)));
        Assert.Equal(path, exception.Path);
        Assert.DoesNotContain('\n', exception.Message);
    }

    public void Dispose() => File.Delete(_operatorFile);
}
