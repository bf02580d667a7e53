using System.Collections;
using ActorMta.Configuration;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Configuration;

/// <summary>A delivery lease that a live delivery can outlast stops the start (it would be dispatched twice).</summary>
public sealed class DeliveryLeaseCheckTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private ActorMtaSettings Read(string hocon)
    {
        var file = Path.Combine(_data.Path, "operator.conf");
        File.WriteAllText(file, hocon);
        return ActorMtaSettings.From(ActorMtaConfig.Load(file, new Hashtable { ["ACTORMTA_DATA_DIR"] = _data.Path }, Repository.DefaultsFile));
    }

    [Fact]
    public void The_defaults_keep_the_lease_longer_than_the_timeouts_plus_the_backlog_wait()
    {
        var settings = Read("");

        Assert.Equal(TimeSpan.FromHours(1), settings.Queue.DeliveryLease);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.Delivery.MaxBacklogWait);
    }

    [Fact]
    public void A_lease_not_longer_than_the_timeouts_plus_the_backlog_wait_is_refused_with_the_sums()
    {
        // The timeouts' defaults add up to 25m30s; with 5m of backlog wait that is 30m30s.
        var exception = Assert.Throws<SettingException>(() => Read("actormta.queue.delivery-lease = 10m"));

        Assert.Equal("actormta.queue.delivery-lease", exception.Path);
        Assert.Equal(
            "invalid setting actormta.queue.delivery-lease = \"10m\": must be longer than the outbound SMTP timeouts " +
            "(actormta.delivery.timeouts, 25m30s in all) plus actormta.delivery.max-backlog-wait (5m), that is 30m30s: " +
            "a delivery still running when its lease ends is dispatched again",
            exception.Message);
    }

    [Fact]
    public void Exactly_the_sum_is_refused_and_just_above_it_passes()
    {
        const string timeouts = """
            actormta.delivery.timeouts { connect = 1s, greeting = 2s, command = 3s, data-initiation = 4s, data-block = 5s, data-termination = 6s }
            actormta.delivery.max-backlog-wait = 9s

            """;

        var exception = Assert.Throws<SettingException>(() => Read(timeouts + "actormta.queue.delivery-lease = 30s"));
        Assert.Contains("(actormta.delivery.timeouts, 21s in all) plus actormta.delivery.max-backlog-wait (9s), that is 30s", exception.Message);
        Assert.Equal(TimeSpan.FromMilliseconds(30_500), Read(timeouts + "actormta.queue.delivery-lease = 30500ms").Queue.DeliveryLease);
    }

    [Fact]
    public void Each_timeout_counts_towards_the_sum()
    {
        foreach (var key in new[] { "connect", "greeting", "command", "data-initiation", "data-block", "data-termination" })
        {
            var hocon = $"""
                actormta.queue.delivery-lease = 40m
                actormta.delivery.timeouts.{key} = 20m
                """;
            Assert.Throws<SettingException>(() => Read(hocon));
        }
        Assert.Throws<SettingException>(() => Read("actormta.queue.delivery-lease = 40m\nactormta.delivery.max-backlog-wait = 15m"));
        Assert.Equal(TimeSpan.FromMinutes(40), Read("actormta.queue.delivery-lease = 40m").Queue.DeliveryLease);
    }

    [Theory]
    [InlineData(1530, "25m30s")]
    [InlineData(3600, "1h")]
    [InlineData(0.5, "500ms")]
    [InlineData(90061, "25h1m1s")]
    public void Durations_are_written_as_the_conf_file_writes_them(double seconds, string expected) =>
        Assert.Equal(expected, DeliveryLeaseCheck.Format(TimeSpan.FromSeconds(seconds)));
}
