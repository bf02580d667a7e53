using ActorMta.Configuration;
using ActorMta.Delivery.State;
using ActorMta.Delivery.Sts;
using ActorMta.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace ActorMta.Tests.Delivery.Sts;

/// <summary>TLS-RPT counts on disk (round trip, pruning, coalesced writes on a fake clock) and summed over nodes.</summary>
public sealed class TlsReportBookTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2030-01-10T10:00:00Z");
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    private readonly TempDirectory _data = new();
    private readonly FakeTimeProvider _clock = new(Now);

    public void Dispose() => _data.Dispose();

    private string File => Path.Combine(_data.Path, "tls-report.json");

    private TlsReportBook Book(int daysKept = 8) => new(File, daysKept, _clock, Every);

    private static MtaStsPolicy Policy() => MtaStsPolicy.Parse("version: STSv1\nmode: enforce\nmx: *.dest.example\nmax_age: 86400", out _)!;

    private static long Successes(TlsReport report) => report.Policies.Sum(p => p.Summary.Successful);

    [Fact]
    public void Counts_survive_a_restart_of_the_book_with_their_policy_and_failure_details()
    {
        using (var book = Book())
        {
            book.Succeeded(Now, "Dest.Example", Policy());
            book.Succeeded(Now, "dest.example", Policy());
            book.Failed(Now, "dest.example", Policy(), "certificate-host-mismatch", "mx1.dest.example", "192.0.2.2", "192.0.2.9", "name");
            book.PolicyFailed(Now, "other.example", null, "sts-policy-fetch-error");
        }

        using var again = Book();

        var report = again.Report("dest.example", Today, "mta.test")!;
        var policy = Assert.Single(report.Policies);
        Assert.Equal(("sts", 2L, 1L), (policy.Policy.PolicyType, policy.Summary.Successful, policy.Summary.Failed));
        Assert.Equal(["*.dest.example"], policy.Policy.MxHost);
        var failure = Assert.Single(policy.FailureDetails);
        Assert.Equal(("certificate-host-mismatch", "mx1.dest.example", "192.0.2.2", "192.0.2.9", "name", 1L),
            (failure.ResultType, failure.ReceivingMxHostname, failure.ReceivingIp, failure.SendingMtaIp, failure.FailureReasonCode, failure.FailedSessionCount));
        Assert.Equal("no-policy-found", Assert.Single(again.Report("other.example", Today, "mta.test")!.Policies).Policy.PolicyType);
    }

    [Fact]
    public void Only_today_and_the_days_kept_before_it_are_read_back_and_written()
    {
        using (var book = Book())
        {
            book.Succeeded(Now.AddDays(-3), "dest.example", null);
            book.Succeeded(Now.AddDays(-2), "dest.example", null);
            book.Succeeded(Now, "dest.example", null);
        }

        using var again = Book(daysKept: 2);

        Assert.Null(again.Report("dest.example", Today.AddDays(-3), "mta.test"));
        Assert.NotNull(again.Report("dest.example", Today.AddDays(-2), "mta.test"));
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal([Today], again.All().Select(c => c.Day));
    }

    [Fact]
    public void Changes_are_written_at_most_once_per_interval()
    {
        using var book = Book();

        book.Succeeded(Now, "dest.example", null);
        book.Succeeded(Now, "dest.example", null);
        Assert.False(System.IO.File.Exists(File));
        _clock.Advance(Every);
        Assert.Equal(2, Successes(new TlsReportBook(File, 8, _clock, Every).Report("dest.example", Today, "mta.test")!));

        book.Succeeded(Now, "dest.example", null);
        _clock.Advance(Every - TimeSpan.FromSeconds(1));
        Assert.Equal(2, Successes(new TlsReportBook(File, 8, _clock, Every).Report("dest.example", Today, "mta.test")!));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, Successes(new TlsReportBook(File, 8, _clock, Every).Report("dest.example", Today, "mta.test")!));
    }

    [Fact]
    public void Coalesced_writes_ride_along_with_the_first_change_and_dispose_writes_what_is_pending()
    {
        var writes = 0;
        var writer = new CoalescedWrites(() => writes++, Every, _clock);

        for (var i = 0; i < 10; i++) writer.Changed();
        _clock.Advance(Every);
        _clock.Advance(Every);
        Assert.Equal(1, writes);
        writer.Changed();
        writer.Dispose();
        Assert.Equal(2, writes);
        writer.Changed();
        _clock.Advance(Every);
        Assert.Equal(2, writes);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"version\": 1, \"counts\": [{\"day\": \"2030-01-10\"}]}")]
    [InlineData("{\"version\": 1}")]
    public void A_file_that_cannot_be_read_stops_the_start_naming_it(string contents)
    {
        System.IO.File.WriteAllText(File, contents);

        var exception = Assert.Throws<SettingException>(() => Book());

        Assert.Equal("actormta.delivery.mta-sts.report-file", exception.Path);
        Assert.Contains(File, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', exception.Message);
    }

    [Fact]
    public void A_fleet_report_sums_the_nodes_rows_per_policy_and_per_failure()
    {
        var policy = Policy();
        var one = new TlsReportBook();
        var two = new TlsReportBook();
        one.Succeeded(Now, "dest.example", policy);
        one.Failed(Now, "dest.example", policy, "starttls-not-supported", "mx1.dest.example");
        two.Succeeded(Now, "dest.example", policy);
        two.Succeeded(Now, "dest.example", policy);
        two.Failed(Now, "dest.example", policy, "starttls-not-supported", "mx1.dest.example");
        two.Failed(Now, "dest.example", policy, "certificate-expired", "mx2.dest.example");
        two.PolicyFailed(Now, "dest.example", null, "sts-policy-fetch-error");

        var report = TlsReports.Sum("dest.example", Today, "mta.test",
            [.. one.Counts("dest.example", Today), .. two.Counts("dest.example", Today)])!;

        var sts = Assert.Single(report.Policies, p => p.Policy.PolicyType == "sts");
        Assert.Equal((3L, 3L), (sts.Summary.Successful, sts.Summary.Failed));
        Assert.Equal([("certificate-expired", 1L), ("starttls-not-supported", 2L)],
            sts.FailureDetails.Select(f => (f.ResultType, f.FailedSessionCount)).OrderBy(f => f.ResultType));
        var none = Assert.Single(report.Policies, p => p.Policy.PolicyType == "no-policy-found");
        Assert.Equal((0L, 1L), (none.Summary.Successful, none.Summary.Failed));
        Assert.Null(TlsReports.Sum("dest.example", Today.AddDays(-1), "mta.test", one.Counts("dest.example", Today)));
    }
}
