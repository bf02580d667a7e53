using ActorMta.Dkim;
using ActorMta.IntegrationTests.Cli;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace ActorMta.IntegrationTests.Dkim;

/// <summary>`actormta dkim keygen` and the start-up check of configured keys (the real executable exits 2).</summary>
public sealed class DkimKeyTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Fact]
    public async Task Keygen_writes_an_owner_only_rsa_key_and_prints_its_txt_record_in_255_octet_strings()
    {
        using var keys = new TempDirectory();
        var run = await CliRun.RunAsync(NoEnvironment, "dkim", "keygen", "Example.COM", "s1", "--out", keys.Path);

        Assert.Equal(0, run.ExitCode);
        var file = Path.Combine(keys.Path, "example.com.s1.pem");
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var line = run.Out.Trim();
        Assert.StartsWith("s1._domainkey.example.com. IN TXT \"v=DKIM1; k=rsa; p=", line);
        var strings = line.Split('"').Where((_, i) => i % 2 == 1).ToArray();
        Assert.True(strings.Length == 2 && strings.All(s => s.Length <= 255) && strings[0].Length == 255, line);
        // The printed public key is the file's.
        var key = (RsaPrivateCrtKeyParameters)DkimKeyFile.Load(new DkimSelector("s1", file, DkimAlgorithm.RsaSha256, "test"));
        var published = (RsaKeyParameters)PublicKeyFactory.CreateKey(Convert.FromBase64String(DkimNode.TxtText(line).Split("p=")[1]));
        Assert.Equal(2048, key.Modulus.BitLength);
        Assert.Equal(key.Modulus, published.Modulus);

        var again = await CliRun.RunAsync(NoEnvironment, "dkim", "keygen", "example.com", "s1", "--out", keys.Path);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("exists; it is not overwritten", again.Error);
    }

    [Fact]
    public async Task Keygen_writes_an_ed25519_key_whose_record_holds_the_raw_public_key()
    {
        using var keys = new TempDirectory();
        var run = await CliRun.RunAsync(NoEnvironment, "dkim", "keygen", "example.com", "e1", "--algorithm", "ed25519-sha256", "--out", keys.Path);

        Assert.Equal(0, run.ExitCode);
        var text = DkimNode.TxtText(run.Out);
        Assert.StartsWith("v=DKIM1; k=ed25519; p=", text);
        var key = (Ed25519PrivateKeyParameters)DkimKeyFile.Load(new DkimSelector("e1", Path.Combine(keys.Path, "example.com.e1.pem"), DkimAlgorithm.Ed25519Sha256, "test"));
        Assert.Equal(Convert.ToBase64String(key.GeneratePublicKey().GetEncoded()), text.Split("p=")[1]);

        Assert.Equal(2, (await CliRun.RunAsync(NoEnvironment, "dkim", "keygen", "example.com", "e2", "--algorithm", "ed448")).ExitCode);
        Assert.Equal(2, (await CliRun.RunAsync(NoEnvironment, "dkim", "keygen", "example.com", "e2", "--bits", "512")).ExitCode);
        Assert.Equal(2, (await CliRun.RunAsync(NoEnvironment, "dkim", "keygen", "not a domain", "e2")).ExitCode);
    }

    [Theory]
    [InlineData("ed25519", "the file holds an Ed25519 key, not one for rsa-sha256")]
    [InlineData("garbage", "no PEM private key in the file")]
    [InlineData("missing", "Could not find file")]
    public async Task A_key_that_does_not_load_or_match_its_algorithm_exits_2_naming_domain_selector_and_file(string kind, string reason)
    {
        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, "bad.test.s1.pem");
        if (kind == "ed25519") await CliRun.RunAsync(NoEnvironment, "dkim", "keygen", "bad.test", "s1", "--algorithm", "ed25519-sha256", "--out", data.Path);
        if (kind == "garbage") await File.WriteAllTextAsync(file, "not a key\n");
        var config = Path.Combine(data.Path, "operator.conf");
        await File.WriteAllTextAsync(config, $$"""actormta.dkim.domains { "bad.test" { selectors { s1 { key-file = "{{file}}", algorithm = rsa-sha256 } } } }""");

        var (exitCode, output) = await HostProcess.RunToExitAsync(TestNode.IsolatedEnvironment(data.Path), "--config", config);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"actormta: invalid setting actormta.dkim.domains.\"bad.test\".selectors.\"s1\".key-file = \"{file}\": {reason}", output);
        Assert.DoesNotContain('\n', output.Trim());
    }
}
