using System.Collections;
using System.Text.RegularExpressions;
using ActorMta.Configuration;

namespace ActorMta.Tests.Configuration;

public sealed class ConfigurationLayeringTests : IDisposable
{
    private static string DefaultsFile => Path.Combine(RepositoryRoot(), "hocon", "actormta.conf");
    private readonly string _operatorFile = Path.GetTempFileName();

    [Fact]
    public void Defaults_alone_give_a_valid_node_on_loopback_with_sqlite()
    {
        var settings = ActorMtaSettings.From(ActorMtaConfig.Load(null, new Hashtable(), DefaultsFile));

        Assert.Equal("127.0.0.1", settings.Management.Address.ToString());
        Assert.Equal(8558, settings.Management.Port);
        Assert.Equal(ActorMta.Queue.Journal.JournalProvider.Sqlite, settings.Journal.Provider);
        Assert.Empty(settings.Fleet.SeedNodes);
        Assert.Contains(Path.Combine(Path.GetFullPath("data"), "actormta.db"), settings.Journal.ConnectionString);
    }

    [Fact]
    public void The_operator_file_overrides_defaults_and_the_environment_overrides_both()
    {
        File.WriteAllText(_operatorFile, """
            actormta.node.hostname = "mx.file.example"
            actormta.management.port = 9000
            actormta.cluster.roles = [from-file]
            """);
        var environment = new Hashtable { ["ACTORMTA_MANAGEMENT_PORT"] = "9100", ["ACTORMTA_SEED_NODES"] = "akka.tcp://actormta@10.0.0.1:4053, akka.tcp://actormta@10.0.0.2:4053",
            ["ACTORMTA_CLUSTER_INSECURE"] = "on" };

        var settings = ActorMtaSettings.From(ActorMtaConfig.Load(_operatorFile, environment, DefaultsFile));

        Assert.Equal("mx.file.example", settings.Node.Hostname);        // file over defaults
        Assert.Equal(9100, settings.Management.Port);                   // environment over file
        Assert.Equal(["from-file"], settings.Fleet.Roles);
        Assert.Equal(["akka.tcp://actormta@10.0.0.1:4053", "akka.tcp://actormta@10.0.0.2:4053"], settings.Fleet.SeedNodes.Select(a => a.ToString()));
        Assert.Equal(4053, settings.Fleet.Port);                        // untouched default
    }

    [Fact]
    public void Environment_values_are_taken_literally_not_as_hocon()
    {
        var environment = new Hashtable { ["ACTORMTA_HOSTNAME"] = "mx.example.com\"\n akka.loglevel = DEBUG #" };
        var exception = Assert.Throws<SettingException>(() => ActorMtaSettings.From(ActorMtaConfig.Load(null, environment, DefaultsFile)));
        Assert.Equal("actormta.node.hostname", exception.Path);
    }

    [Theory]
    [InlineData("ACTORMTA_CLUSTER_PORT", "70000", "actormta.cluster.port")]
    [InlineData("ACTORMTA_MANAGEMENT_HOST", "localhost", "actormta.management.hostname")]
    [InlineData("ACTORMTA_JOURNAL_PROVIDER", "postgresql", "actormta.journal.connection-string")]
    [InlineData("ACTORMTA_LOG_LEVEL", "verbose", "actormta.logging.level")]
    [InlineData("ACTORMTA_HOSTNAME", "", "actormta.node.hostname")]
    public void Invalid_values_name_the_setting(string variable, string value, string path)
    {
        var exception = Assert.Throws<SettingException>(() => ActorMtaSettings.From(ActorMtaConfig.Load(null, new Hashtable { [variable] = value }, DefaultsFile)));
        Assert.Equal(path, exception.Path);
        Assert.DoesNotContain('\n', exception.Message);
    }

    [Fact]
    public void The_metrics_domain_label_count_defaults_to_50_and_a_negative_one_names_the_setting()
    {
        Assert.Equal(50, ActorMtaSettings.From(ActorMtaConfig.Load(null, new Hashtable(), DefaultsFile)).Management.MetricsTopDomains);
        File.WriteAllText(_operatorFile, "actormta.management.metrics.top-domains = -1");
        var exception = Assert.Throws<SettingException>(() => ActorMtaSettings.From(ActorMtaConfig.Load(_operatorFile, new Hashtable(), DefaultsFile)));
        Assert.Equal("actormta.management.metrics.top-domains", exception.Path);
    }

    [Fact]
    public void Invalid_hocon_in_the_operator_file_is_one_line()
    {
        File.WriteAllText(_operatorFile, "actormta.node.hostname = ${ACTORMTA_UNDEFINED}\nactormta.management.port = = =");
        var exception = Assert.Throws<SettingException>(() => ActorMtaConfig.Load(_operatorFile, new Hashtable(), DefaultsFile));
        Assert.Equal("--config", exception.Path);
        Assert.DoesNotContain('\n', exception.Message);
    }

    [Fact]
    public void Every_environment_variable_is_documented_next_to_its_setting_and_nothing_else_is_claimed()
    {
        var lines = File.ReadAllLines(DefaultsFile);
        var documented = lines.SelectMany(l => Regex.Matches(l, @"env (ACTORMTA_[A-Z_]+)").Select(m => m.Groups[1].Value)).ToHashSet();
        Assert.Equal(EnvironmentOverrides.Variables.Select(v => v.Name).Order(), documented.Order());

        foreach (var variable in EnvironmentOverrides.Variables)
        {
            // The comment naming the variable sits on or just above the setting's own line.
            var index = Array.FindIndex(lines, l => l.Contains("env " + variable.Name));
            var key = variable.Path.Split('.')[^1];
            var setting = lines.Skip(index).Take(3).Any(l => Regex.IsMatch(l, $@"^\s*{Regex.Escape(key)}\s*="));
            Assert.True(setting, $"{variable.Name} is not documented next to {variable.Path}");
        }
    }

    public void Dispose() => File.Delete(_operatorFile);

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorMta.sln"))) return dir.FullName;
        throw new InvalidOperationException("ActorMta.sln not found");
    }
}
