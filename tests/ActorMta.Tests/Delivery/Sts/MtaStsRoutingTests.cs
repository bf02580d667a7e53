using System.Net;
using ActorMta.Delivery.Connections;
using ActorMta.Delivery.Routing;
using ActorMta.Delivery.Sts;

namespace ActorMta.Tests.Delivery.Sts;

public sealed class MtaStsRoutingTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2030-01-02T10:00:00Z");
    private static readonly NextHops Hops = new NextHops.Found(
    [
        new NextHop("mx.other.example", [new IPEndPoint(IPAddress.Parse("192.0.2.1"), 25)]),
        new NextHop("mx1.dest.example", [new IPEndPoint(IPAddress.Parse("192.0.2.2"), 25)]),
    ]);

    private static MtaStsPolicy Policy(string mode) =>
        MtaStsPolicy.Parse($"version: STSv1\nmode: {mode}\nmx: *.dest.example\nmax_age: 86400", out _)!;

    [Fact]
    public void Enforce_keeps_only_the_matching_MX_hosts_and_checks_them()
    {
        var applied = MtaStsRouting.Apply("dest.example", Hops, new StsLookup(Policy("enforce"), null, ""), new TlsReportBook(), Now);

        var hop = Assert.Single(Assert.IsType<NextHops.Found>(applied).Hops);
        Assert.Equal("mx1.dest.example", hop.Host);
        Assert.True(hop.Sts is { Enforced: true, MxMatches: true });
    }

    [Fact]
    public void Enforce_with_no_matching_MX_defers_with_4_7_5_and_counts_a_failure()
    {
        var book = new TlsReportBook();
        var only = new NextHops.Found([((NextHops.Found)Hops).Hops[0]]);

        var applied = MtaStsRouting.Apply("dest.example", only, new StsLookup(Policy("enforce"), null, ""), book, Now);

        var notFound = Assert.IsType<NextHops.NotFound>(applied);
        Assert.False(notFound.Permanent);
        Assert.Equal((451, "4.7.5"), (notFound.Reply.Code, notFound.Reply.EnhancedCode));
        Assert.Contains("no MX matches", notFound.Reply.Text, StringComparison.Ordinal);
        Assert.Equal(new StsOutcome("enforce", "mx-mismatch"), notFound.Sts);
        var report = book.Report("dest.example", DateOnly.FromDateTime(Now.UtcDateTime), "mta.test")!;
        var failure = Assert.Single(Assert.Single(report.Policies).FailureDetails);
        Assert.Equal(("validation-failure", "mx-mismatch", 1L), (failure.ResultType, failure.FailureReasonCode, failure.FailedSessionCount));
    }

    [Fact]
    public void Testing_keeps_every_MX_and_marks_the_ones_outside_the_policy()
    {
        var applied = MtaStsRouting.Apply("dest.example", Hops, new StsLookup(Policy("testing"), null, ""), new TlsReportBook(), Now);

        var hops = Assert.IsType<NextHops.Found>(applied).Hops;
        Assert.Equal([false, true], hops.Select(h => h.Sts!.MxMatches));
        Assert.All(hops, h => Assert.False(h.Sts!.Enforced));
    }

    [Fact]
    public void No_policy_or_mode_none_leaves_the_hops_as_they_are()
    {
        Assert.Same(Hops, MtaStsRouting.Apply("dest.example", Hops, StsLookup.NoPolicy, new TlsReportBook(), Now));
        var none = MtaStsPolicy.Parse("version: STSv1\nmode: none\nmax_age: 60", out _)!;
        Assert.Same(Hops, MtaStsRouting.Apply("dest.example", Hops, new StsLookup(none, null, ""), new TlsReportBook(), Now));
    }

    [Fact]
    public void The_report_has_RFC_8460s_shape_per_day()
    {
        var book = new TlsReportBook();
        var policy = Policy("enforce");
        book.Succeeded(Now, "Dest.Example", policy);
        book.Succeeded(Now, "dest.example", policy);
        book.Failed(Now, "dest.example", policy, "certificate-host-mismatch", "mx1.dest.example", "192.0.2.2");
        book.Succeeded(Now.AddDays(1), "dest.example", policy);

        var report = book.Report("dest.example", DateOnly.FromDateTime(Now.UtcDateTime), "mta.test")!;
        var json = System.Text.Json.JsonSerializer.Serialize(report);

        Assert.Equal(("2030-01-02T00:00:00Z", "2030-01-02T23:59:59Z"), (report.DateRange.Start, report.DateRange.End));
        var entry = Assert.Single(report.Policies);
        Assert.Equal(("sts", "dest.example"), (entry.Policy.PolicyType, entry.Policy.PolicyDomain));
        Assert.Equal(["version: STSv1", "mode: enforce", "mx: *.dest.example", "max_age: 86400"], entry.Policy.PolicyString);
        Assert.Equal((2L, 1L), (entry.Summary.Successful, entry.Summary.Failed));
        Assert.Contains("\"total-successful-session-count\":2", json, StringComparison.Ordinal);
        Assert.Contains("\"receiving-mx-hostname\":\"mx1.dest.example\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("sending-mta-ip", json, StringComparison.Ordinal);
        Assert.Null(book.Report("dest.example", DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-1), "mta.test"));
    }
}
