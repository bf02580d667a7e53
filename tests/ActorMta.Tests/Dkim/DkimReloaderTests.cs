using System.Collections;
using System.Text;
using ActorMta.Configuration;
using ActorMta.Dkim;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Dkim;

/// <summary>
/// DkimReloader on real files: the layered config read again and swapped in when valid, kept when not (one warning),
/// and replaced key files taken off the signing path. Check() is called directly (the watcher may call it too: the
/// assertions are on what signs, not on who noticed).
/// </summary>
public sealed class DkimReloaderTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly List<string> _changed = [];
    private readonly List<string> _problems = [];
    private DkimReloader? _reloader;

    private string ConfigFile => Path.Combine(_data.Path, "node.conf");

    private DkimReloader Start(string dkim)
    {
        File.WriteAllText(ConfigFile, dkim);
        var settings = ActorMtaSettings.Load(new ConfigSource(ConfigFile, new Hashtable { ["ACTORMTA_DATA_DIR"] = _data.Path }, Repository.DefaultsFile));
        _reloader = DkimReloader.Start(settings.Dkim, settings.Source, settings.Node, Record(_changed), Record(_problems));
        return _reloader;
    }

    private static Action<string> Record(List<string> lines) => line => { lock (lines) lines.Add(line); };

    private string[] Lines(List<string> lines) { lock (lines) return [.. lines]; }

    private void Key(string name)
    {
        var staging = Path.Combine(_data.Path, name + ".new");
        DkimKeyPair.Generate(DkimAlgorithm.Ed25519Sha256).WritePrivateKey(staging);
        File.Move(staging, Path.Combine(_data.Path, name), overwrite: true);
    }

    private static string Config(string active, string extra = "") => $$"""
        actormta.dkim.domains { "example.com" { active = {{active}}, selectors {
          s1 { key-file = "s1.pem", algorithm = ed25519-sha256 }
          s2 { key-file = "s2.pem", algorithm = ed25519-sha256 } } } {{extra}} }
        """;

    private static string? SignedWith(DkimReloader reloader)
    {
        var message = "From: <a@example.com>\r\nTo: <b@example.org>\r\nSubject: x\r\n\r\nbody\r\n";
        return reloader.Signer.Sign(new MemoryStream(Encoding.ASCII.GetBytes(message)), false)?.Selector;
    }

    [Fact]
    public void A_switched_active_selector_signs_the_next_message_and_says_so_in_one_line()
    {
        Key("s1.pem");
        Key("s2.pem");
        var reloader = Start(Config("s1"));
        Assert.Equal("s1", SignedWith(reloader));

        File.WriteAllText(ConfigFile, Config("s2"));
        reloader.Check();

        Assert.Equal("s2", SignedWith(reloader));
        Assert.Equal(["dkim: example.com now signs with s2 (was s1)"], Lines(_changed));
        Assert.Empty(Lines(_problems));
    }

    [Fact]
    public void Invalid_settings_keep_the_previous_ones_with_one_warning_naming_the_setting()
    {
        Key("s1.pem");
        Key("s2.pem");
        var reloader = Start(Config("s1"));
        var rejected = DkimMetrics.ReloadsRejected.Value;

        File.WriteAllText(ConfigFile, Config("nosuch"));
        reloader.Check();
        reloader.Check();

        Assert.Equal("s1", SignedWith(reloader));
        var warning = Assert.Single(Lines(_problems));
        Assert.Contains("actormta.dkim.domains.\"example.com\".active = \"nosuch\"", warning);
        Assert.True(DkimMetrics.ReloadsRejected.Value > rejected);
        Assert.Empty(Lines(_changed));

        // Fixed again: taken.
        File.WriteAllText(ConfigFile, Config("s2"));
        reloader.Check();
        Assert.Equal("s2", SignedWith(reloader));
    }

    [Fact]
    public void A_new_selector_whose_key_does_not_load_is_refused_naming_its_key_file()
    {
        Key("s1.pem");
        Key("s2.pem");
        var reloader = Start(Config("s1"));

        File.WriteAllText(ConfigFile, Config("s1", """ "example.org" { selectors { s9 { key-file = "missing.pem", algorithm = ed25519-sha256 } } }"""));
        reloader.Check();

        Assert.Contains("actormta.dkim.domains.\"example.org\".selectors.\"s9\".key-file", Assert.Single(Lines(_problems)));
        Assert.DoesNotContain("example.org", reloader.Current.Settings.Domains.Keys);

        // The operator writes the key after the config: the next check takes both.
        Key("missing.pem");
        reloader.Check();
        Assert.Contains("example.org", reloader.Current.Settings.Domains.Keys);
        Assert.Contains("example.org now signs with s9 (new)", Assert.Single(Lines(_changed)));
    }

    [Fact]
    public void A_replaced_key_file_is_taken_and_one_that_does_not_load_keeps_the_previous_key()
    {
        Key("s1.pem");
        Key("s2.pem");
        var reloader = Start(Config("s1"));
        var first = reloader.Current.Keys.Values.Single(k => k.Selector.Name == "s1").Key;

        Key("s1.pem");
        reloader.Check();
        var second = reloader.Current.Keys.Values.Single(k => k.Selector.Name == "s1").Key;
        Assert.NotSame(first, second);
        Assert.Equal(["dkim: example.com selector s1 has a new key (" + Path.Combine(_data.Path, "s1.pem") + ")"], Lines(_changed));

        File.WriteAllText(Path.Combine(_data.Path, "s1.pem"), "half a key");
        reloader.Check();
        reloader.Check();
        Assert.Same(second, reloader.Current.Keys.Values.Single(k => k.Selector.Name == "s1").Key);
        Assert.Contains("does not load, still signing with the previous key", Assert.Single(Lines(_problems)));
        Assert.Equal("s1", SignedWith(reloader));
    }

    public void Dispose()
    {
        _reloader?.Dispose();
        _data.Dispose();
    }
}
