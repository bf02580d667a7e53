using ActorMta.Contracts;
using ActorMta.Suppression;

namespace ActorMta.Tests.Suppression;

/// <summary>The suppression list's own rules, without actors: normalization, scope, expiry, paging, counts.</summary>
public sealed class SuppressionListTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static SuppressionEntry Entry(string recipient, string scope = SuppressionScope.Global, DateTimeOffset? expires = null, string source = "api") =>
        new(SuppressionAddress.Normalize(recipient)!, scope, "550 5.1.1 user unknown", source, "Q1", Now, expires);

    [Theory]
    [InlineData("Bob@Example.COM", "bob@example.com")]
    [InlineData("  <bob@example.com.>  ", "bob@example.com")]
    [InlineData("\"quoted@local\"@example.com", "\"quoted@local\"@example.com")]
    public void Addresses_are_normalized_to_one_key(string given, string normalized) =>
        Assert.Equal(normalized, SuppressionAddress.Normalize(given));

    [Theory]
    [InlineData("")]
    [InlineData("no-at-sign")]
    [InlineData("@example.com")]
    [InlineData("bob@")]
    [InlineData("bob smith@example.com")]
    public void What_is_not_an_address_is_refused(string given) => Assert.Null(SuppressionAddress.Normalize(given));

    [Fact]
    public void The_shard_is_stable_and_ignores_case()
    {
        // FNV-1a: the same number in every process (a node and the API must agree on it).
        Assert.Equal(SuppressionAddress.Shard("bob@example.com", 32), SuppressionAddress.Shard(SuppressionAddress.Normalize("BOB@example.COM")!, 32));
        Assert.Equal(25, SuppressionAddress.Shard("bob@example.com", 32)); // 0x5C1C6C99 % 32, as computed by hand
        var spread = Enumerable.Range(0, 3200).Select(i => SuppressionAddress.Shard($"user{i}@example.com", 32)).GroupBy(s => s).ToArray();
        Assert.Equal(32, spread.Length);
        Assert.All(spread, shard => Assert.InRange(shard.Count(), 50, 150));
    }

    [Fact]
    public void A_check_matches_global_entries_and_the_scopes_of_the_message_only()
    {
        var list = new SuppressionList();
        list.Add(Entry("global@example.com"), Now);
        list.Add(Entry("tenant@example.com", SuppressionScope.Domain("Sender.Example")), Now);
        list.Add(Entry("user@example.com", SuppressionScope.User("alice")), Now);

        var fromSender = SuppressionScope.Of("news@sender.example", null);
        Assert.Equal(["global", "domain:sender.example"], fromSender);
        Assert.NotNull(list.Find("global@example.com", fromSender, Now));
        Assert.NotNull(list.Find("tenant@example.com", fromSender, Now));
        Assert.Null(list.Find("tenant@example.com", SuppressionScope.Of("news@other.example", null), Now));
        Assert.Null(list.Find("user@example.com", fromSender, Now));
        Assert.Equal("user:alice", list.Find("user@example.com", SuppressionScope.Of("", "alice"), Now)!.Scope);
        Assert.Null(list.Find("nobody@example.com", SuppressionScope.Of("", "alice"), Now));
    }

    [Fact]
    public void Scopes_as_written_by_an_operator()
    {
        Assert.Equal("global", SuppressionScope.Parse(null));
        Assert.Equal("global", SuppressionScope.Parse("GLOBAL"));
        Assert.Equal("domain:sender.example", SuppressionScope.Parse("domain:Sender.Example."));
        Assert.Equal("user:Alice", SuppressionScope.Parse("user:Alice"));
        Assert.Null(SuppressionScope.Parse("tenant:x"));
        Assert.Null(SuppressionScope.Parse("domain:"));
    }

    [Fact]
    public void An_expired_entry_stops_matching_at_its_expiry_and_is_swept_and_left_out_of_snapshots()
    {
        var list = new SuppressionList();
        list.Add(Entry("soon@example.com", expires: Now.AddMinutes(5)), Now);
        list.Add(Entry("kept@example.com"), Now);
        list.Add(Entry("already@example.com", expires: Now.AddSeconds(-1)), Now);
        Assert.Equal(2, list.Count);

        Assert.NotNull(list.Find("soon@example.com", [SuppressionScope.Global], Now.AddMinutes(5).AddTicks(-1)));
        var later = Now.AddMinutes(5);
        Assert.Null(list.Find("soon@example.com", [SuppressionScope.Global], later));
        Assert.Equal(["kept@example.com"], list.All(later).Select(e => e.Recipient));
        Assert.Equal(1, list.Summary(later).Total);
        Assert.Equal(1, list.Sweep(later));
        Assert.Equal(1, list.Count);
    }

    [Fact]
    public void Adding_again_replaces_and_removing_without_a_scope_removes_every_scope()
    {
        var list = new SuppressionList();
        list.Add(Entry("bob@example.com"), Now);
        list.Add(Entry("bob@example.com") with { Reason = "again" }, Now);
        list.Add(Entry("bob@example.com", SuppressionScope.Domain("a.example")), Now);
        Assert.Equal(2, list.Count);
        Assert.Equal("again", list.Find("bob@example.com", [SuppressionScope.Global], Now)!.Reason);

        Assert.Equal(0, list.Remove("bob@example.com", SuppressionScope.Domain("b.example")));
        Assert.Equal(2, list.Remove("bob@example.com", null));
        Assert.Equal(0, list.Count);
    }

    [Fact]
    public void Pages_follow_each_other_in_order_without_gaps_or_repeats()
    {
        var list = new SuppressionList();
        for (var i = 0; i < 25; i++) list.Add(Entry($"user{i:00}@example.com"), Now);
        list.Add(Entry("user05@example.com", SuppressionScope.User("alice")), Now);

        var seen = new List<string>();
        (string, string)? after = null;
        while (list.Page(after, 10, null, Now) is { Count: > 0 } page)
        {
            seen.AddRange(page.Select(e => $"{e.Recipient}|{e.Scope}"));
            after = (page[^1].Recipient, page[^1].Scope);
        }
        Assert.Equal(26, seen.Count);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Equal(["user05@example.com"], list.Page(null, 10, SuppressionScope.User("alice"), Now).Select(e => e.Recipient));
    }

    [Fact]
    public void The_summary_counts_by_source_and_scope()
    {
        var list = new SuppressionList();
        list.Add(Entry("a@example.com", source: "bounce:InvalidRecipient"), Now);
        list.Add(Entry("b@example.com", source: "bounce:InvalidRecipient"), Now);
        list.Add(Entry("c@example.com", SuppressionScope.Domain("x.example")), Now);

        var (total, bySource, byScope) = list.Summary(Now);
        Assert.Equal(3, total);
        Assert.Equal(2, bySource["bounce:InvalidRecipient"]);
        Assert.Equal(1, bySource["api"]);
        Assert.Equal((2, 1), (byScope["global"], byScope["domain:x.example"]));
    }
}
