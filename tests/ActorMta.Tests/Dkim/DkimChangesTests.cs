using ActorMta.Dkim;

namespace ActorMta.Tests.Dkim;

/// <summary>The one line a reload logs: what changed between two settings.</summary>
public sealed class DkimChangesTests
{
    private static readonly string[] Headers = ["From", "To", "Subject"];

    private static DkimSelector Selector(string name) => new(name, $"/keys/{name}.pem", DkimAlgorithm.Ed25519Sha256, $"actormta.dkim.domains.x.selectors.{name}");

    private static DkimDomain Domain(string domain, string active, string[]? headers = null, params string[] selectors) =>
        new(domain, Selector(active), [.. selectors.DefaultIfEmpty(active).Select(Selector)], headers ?? Headers, ["From"]);

    private static DkimSigning Signing(params DkimDomain[] domains) =>
        new(new DkimSettings(domains.ToDictionary(d => d.Domain, StringComparer.OrdinalIgnoreCase), null), new Dictionary<DkimSelector, DkimKeyFile>());

    [Fact]
    public void The_same_settings_change_nothing() =>
        Assert.Empty(DkimChanges.Describe(Signing(Domain("example.com", "s1", null, "s1", "s2")), Signing(Domain("example.com", "s1", null, "s1", "s2"))));

    [Fact]
    public void A_switched_selector_names_the_new_and_the_old() =>
        Assert.Equal(["example.com now signs with s2 (was s1)"],
            DkimChanges.Describe(Signing(Domain("example.com", "s1", null, "s1", "s2")), Signing(Domain("example.com", "s2", null, "s1", "s2"))));

    [Fact]
    public void Added_and_removed_domains_selectors_and_headers_are_each_named()
    {
        var before = Signing(Domain("example.com", "s1", null, "s1"), Domain("old.example", "a"));
        var after = Signing(Domain("example.com", "s1", ["From", "Date"], "s1", "s2"), Domain("new.example", "b"));

        Assert.Equal([
            "old.example is no longer signed",
            "example.com has selectors s1, s2 (was s1)",
            "example.com signs header fields From:Date, over-signs From",
            "new.example now signs with b (new)",
        ], DkimChanges.Describe(before, after));
    }
}
