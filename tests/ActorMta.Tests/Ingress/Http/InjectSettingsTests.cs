using System.Collections;
using ActorMta.Configuration;
using ActorMta.Ingress.Http;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Ingress.Http;

public sealed class InjectSettingsTests
{
    private static ActorMtaSettings Load(string hocon)
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "operator.conf");
        File.WriteAllText(file, hocon);
        return ActorMtaSettings.From(ActorMtaConfig.Load(file, new Hashtable(), Repository.DefaultsFile));
    }

    [Fact]
    public void The_defaults_file_holds_the_documented_defaults_and_they_can_be_overridden()
    {
        Assert.Equal(InjectSettings.Default, Load("").Inject);
        Assert.Equal(new InjectSettings(5, 2, 2048, 4096, 0, TimeSpan.FromMinutes(5)), Load("""
            actormta.inject { max-recipients = 5, max-batch-messages = 2, max-request-size = 2KiB, max-generated-size = 4KiB, idempotency { max-keys = 0, remember-for = 5m } }
            """).Inject);
    }

    [Theory]
    [InlineData("actormta.inject.max-recipients = 0", "actormta.inject.max-recipients")]
    [InlineData("actormta.inject.max-batch-messages = lots", "actormta.inject.max-batch-messages")]
    [InlineData("actormta.inject.max-request-size = 10", "actormta.inject.max-request-size")]
    [InlineData("actormta.inject.max-generated-size = 1", "actormta.inject.max-generated-size")]
    [InlineData("actormta.inject.idempotency.max-keys = -1", "actormta.inject.idempotency.max-keys")]
    [InlineData("actormta.inject.idempotency.remember-for = 0s", "actormta.inject.idempotency.remember-for")]
    public void Invalid_settings_name_the_setting(string hocon, string path)
    {
        Assert.Equal(path, Assert.Throws<SettingException>(() => Load(hocon)).Path);
    }
}
