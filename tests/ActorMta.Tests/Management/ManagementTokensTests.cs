using System.Collections;
using ActorMta.Configuration;
using ActorMta.Management.Access;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Management;

public sealed class ManagementTokensTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private ActorMtaSettings Load(Hashtable environment)
    {
        environment["ACTORMTA_DATA_DIR"] = _data.Path;
        return ActorMtaSettings.From(ActorMtaConfig.Load(null, environment, Repository.DefaultsFile));
    }

    [Fact]
    public void Bound_beyond_loopback_without_a_token_the_node_refuses_to_start_and_says_what_to_set()
    {
        var refused = Assert.Throws<SettingException>(() => Load(new Hashtable { ["ACTORMTA_MANAGEMENT_HOST"] = "0.0.0.0" }));

        Assert.Equal("actormta.management.hostname", refused.Path);
        Assert.Contains("ACTORMTA_MANAGEMENT_READ_TOKENS", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
        var settings = Load(new Hashtable { ["ACTORMTA_MANAGEMENT_HOST"] = "0.0.0.0", ["ACTORMTA_MANAGEMENT_READ_TOKENS"] = TestTokens.Read });
        Assert.True(settings.Management.BeyondLoopback);
    }

    [Fact]
    public void Tokens_from_the_environment_carry_their_scope_and_short_ones_are_refused()
    {
        var tokens = Load(new Hashtable
        {
            ["ACTORMTA_MANAGEMENT_READ_TOKENS"] = TestTokens.Read,
            ["ACTORMTA_MANAGEMENT_ADMIN_TOKENS"] = TestTokens.Admin,
            ["ACTORMTA_MANAGEMENT_INJECT_TOKENS"] = TestTokens.Inject,
        }).Management.Tokens;

        Assert.Equal(ManagementScope.Read, tokens.ScopesOf(TestTokens.Read));
        Assert.Equal(ManagementScope.Admin, tokens.ScopesOf(TestTokens.Admin));
        Assert.Equal(ManagementScope.Inject, tokens.ScopesOf(TestTokens.Inject));
        Assert.Equal(ManagementScope.None, tokens.ScopesOf(TestTokens.Admin + "x"));
        Assert.Equal(ManagementScope.None, tokens.ScopesOf(""));

        var shortToken = Assert.Throws<SettingException>(() => Load(new Hashtable { ["ACTORMTA_MANAGEMENT_ADMIN_TOKENS"] = "letmein" }));
        Assert.Equal("actormta.management.tokens.admin", shortToken.Path);
        Assert.DoesNotContain("letmein", shortToken.Message);
    }

    [Fact]
    public void The_tokens_file_is_read_again_when_it_changes_and_a_broken_rewrite_keeps_the_last_tokens()
    {
        var file = Path.Combine(_data.Path, "tokens");
        const string first = "first-token-0123456789abcdefgh";
        const string second = "second-token-0123456789abcdefg";
        File.WriteAllText(file, $"# operators\nadmin,read {first}\n");
        var tokens = Load(new Hashtable { ["ACTORMTA_MANAGEMENT_TOKENS_FILE"] = file }).Management.Tokens;
        Assert.Equal(ManagementScope.Admin | ManagementScope.Read, tokens.ScopesOf(first));

        File.WriteAllText(file, $"read {second}\n");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));
        Assert.Equal(ManagementScope.None, tokens.ScopesOf(first));
        Assert.Equal(ManagementScope.Read, tokens.ScopesOf(second));

        File.WriteAllText(file, "read short\n");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(10));
        Assert.Equal(ManagementScope.Read, tokens.ScopesOf(second));

        File.WriteAllText(file, "superuser x\n");
        var refused = Assert.Throws<SettingException>(() => Load(new Hashtable { ["ACTORMTA_MANAGEMENT_TOKENS_FILE"] = file }));
        Assert.Contains("unknown scope 'superuser'", refused.Message);
    }

    [Fact]
    public void Without_an_admin_token_one_is_made_in_the_data_directory_readable_by_its_owner_only_and_kept()
    {
        var tokens = Load(new Hashtable()).Management.Tokens;
        Assert.False(tokens.HasAdmin);

        var (withAdmin, file) = tokens.WithAdminToken(_data.Path);
        var (again, sameFile) = tokens.WithAdminToken(_data.Path);

        Assert.Equal(Path.Combine(_data.Path, ManagementTokens.GeneratedAdminTokenFile), file);
        Assert.Equal(file, sameFile);
        var token = File.ReadAllText(file!).Trim();
        Assert.True(token.Length >= ManagementTokens.MinLength);
        Assert.Equal(ManagementScope.Admin, withAdmin.ScopesOf(token));
        Assert.Equal(ManagementScope.Admin, again.ScopesOf(token));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file!));
        var configured = Load(new Hashtable { ["ACTORMTA_MANAGEMENT_ADMIN_TOKENS"] = TestTokens.Admin }).Management.Tokens;
        Assert.Null(configured.WithAdminToken(_data.Path).AdminTokenFile);
    }
}
