using ActorMta.Delivery.Sts;

namespace ActorMta.Tests.Delivery.Sts;

public sealed class MtaStsPolicyTests
{
    [Fact]
    public void A_policy_is_read_with_CRLF_or_LF_lines_repeated_mx_and_unknown_keys()
    {
        var policy = MtaStsPolicy.Parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx:*.Example.NET.\nextension: x\nmax_age: 86400\n", out var error);

        Assert.True(policy is not null, error);
        Assert.Equal(StsMode.Enforce, policy.Mode);
        Assert.Equal(["mail.example.com", "*.example.net"], policy.MxPatterns.ToArray());
        Assert.Equal(TimeSpan.FromDays(1), policy.MaxAge);
        Assert.Equal("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx:*.Example.NET.\r\nextension: x\r\nmax_age: 86400", policy.Text);
    }

    [Fact]
    public void A_repeated_key_other_than_mx_keeps_its_first_value()
    {
        var policy = MtaStsPolicy.Parse("version: STSv1\nmode: testing\nmode: enforce\nmx: a.example\nmax_age: 60\nmax_age: x\n", out _);

        Assert.Equal(StsMode.Testing, policy!.Mode);
        Assert.Equal(TimeSpan.FromSeconds(60), policy.MaxAge);
    }

    [Fact]
    public void Mode_none_needs_no_mx()
    {
        var policy = MtaStsPolicy.Parse("version: STSv1\nmode: none\nmax_age: 0\n", out var error);

        Assert.True(policy is not null, error);
        Assert.Equal(StsMode.None, policy.Mode);
        Assert.Empty(policy.MxPatterns);
    }

    [Theory]
    [InlineData("mode: enforce\nmx: a.example\nmax_age: 60", "no version")]
    [InlineData("mode: enforce\nversion: STSv1\nmx: a.example\nmax_age: 60", "version must be the first")]
    [InlineData("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 60", "not STSv1")]
    [InlineData("version: stsv1\nmode: enforce\nmx: a.example\nmax_age: 60", "not STSv1")]
    [InlineData("version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 60", "is not enforce, testing or none")]
    [InlineData("version: STSv1\nmx: a.example\nmax_age: 60", "no mode")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.example", "no max_age")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601", "max_age")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 00000000060", "max_age")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1", "max_age")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1d", "max_age")]
    [InlineData("version: STSv1\nmode: enforce\nmax_age: 60", "no mx")]
    [InlineData("version: STSv1\nmode: enforce\nmx: *.*.example\nmax_age: 60", "is not a host name")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.*.example\nmax_age: 60", "is not a host name")]
    [InlineData("version: STSv1\nmode: enforce\nmx: -bad.example\nmax_age: 60", "is not a host name")]
    [InlineData("version: STSv1\nmode enforce\nmx: a.example\nmax_age: 60", "line 2")]
    [InlineData("<html>not found</html>", "line 1")]
    public void An_invalid_policy_is_refused_with_the_reason(string text, string reason)
    {
        Assert.Null(MtaStsPolicy.Parse(text, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mail.example.com", "mail.example.com", true)]
    [InlineData("mail.example.com", "MAIL.Example.com.", true)]
    [InlineData("mail.example.com", "mail2.example.com", false)]
    [InlineData("*.example.com", "mx1.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "a.b.example.com", false)]
    [InlineData("*.example.com", "mx1.example.com.evil.test", false)]
    [InlineData("*.example.com", "mx1.badexample.com", false)]
    public void An_mx_pattern_matches_the_name_or_one_leftmost_label(string pattern, string host, bool matches) =>
        Assert.Equal(matches, MxPattern.Matches(pattern, host));

    [Fact]
    public void A_policy_allows_an_mx_that_any_pattern_matches()
    {
        var policy = MtaStsPolicy.Parse("version: STSv1\nmode: enforce\nmx: mx.a.example\nmx: *.b.example\nmax_age: 60", out _)!;

        Assert.True(policy.AllowsMx("mx.a.example"));
        Assert.True(policy.AllowsMx("in1.b.example"));
        Assert.False(policy.AllowsMx("mx.c.example"));
    }
}
