using System.Net;
using System.Text.Json;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Dns;
using ActorMta.TestSupport.Http;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.IntegrationTests.Delivery;

/// <summary>
/// One node, real sockets on loopback: MTA-STS policies served over HTTPS by a test CA's certificate (trusted through
/// actormta.delivery.mta-sts.trusted-ca-files), policy hosts and MX hosts from the loopback DNS server. The policy's MX
/// is a sink at 127.0.0.2 with a certificate for its name from that CA; the MX outside every policy ("rogue") is a sink
/// at 127.0.0.3 with a self-signed one, and is always the more preferred MX, so only a policy keeps mail from it.
/// </summary>
public sealed class MtaStsDeliveryTests(MtaStsDeliveryTests.Fleet fleet) : IClassFixture<MtaStsDeliveryTests.Fleet>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public sealed class Fleet : IAsyncLifetime
    {
        public FleetCertificates Authority { get; } = new("MTA-STS test CA");
        public LoopbackDnsServer Dns { get; } = LoopbackDnsServer.Start();
        public TestSmtpSink PolicyMx { get; private set; } = null!;
        public TestSmtpSink RogueMx { get; private set; } = null!;
        public TestHttpsServer Policies { get; private set; } = null!;
        internal DeliveryNode Node { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var mx = Authority.Issue("policy mx", "mx1.enforce.test", "mx1.cached.test", "mx1.kept.test");
            PolicyMx = TestSmtpSink.Start(new TestSmtpSinkOptions { Address = IPAddress.Parse("127.0.0.2"), Certificate = mx.Certificate });
            RogueMx = TestSmtpSink.Start(new TestSmtpSinkOptions { Address = IPAddress.Parse("127.0.0.3"), Port = PolicyMx.Port });
            Policies = TestHttpsServer.Start(Authority.Issue("policy hosts", "mta-sts.enforce.test", "mta-sts.norogue.test", "mta-sts.testing.test",
                "mta-sts.badcert.test", "mta-sts.fetchfail.test", "mta-sts.cached.test", "mta-sts.kept.test").Certificate);
            Dns.Zone("rogue.example").A("mx.rogue.example", "127.0.0.3");
            foreach (var domain in new[] { "enforce.test", "norogue.test", "testing.test", "badcert.test", "fetchfail.test", "cached.test", "kept.test" })
                Dns.Zone(domain).A($"mta-sts.{domain}", "127.0.0.1").Mx(domain, 10, "mx.rogue.example");
            Node = await DeliveryNode.StartAsync($$"""
                actormta.delivery {
                  mx-port = {{PolicyMx.Port}}, allow-private-destinations = on
                  mta-sts { policy-port = {{Policies.Port}}, trusted-ca-files = ["{{Authority.CaFile}}"], fetch-timeout = 10s }
                  # One message per connection: every message resolves the route (and its policy) again.
                  domains { "cached.test" { max-messages-per-connection = 1 } }
                }
                """, new Dictionary<string, string> { ["ACTORMTA_DNS_SERVERS"] = Dns.EndPoint.ToString() });
        }

        public async Task DisposeAsync()
        {
            await Node.DisposeAsync();
            await Policies.DisposeAsync();
            await PolicyMx.DisposeAsync();
            await RogueMx.DisposeAsync();
            Dns.Dispose();
            Authority.Dispose();
        }

        /// <summary>A policy for the domain, its TXT record, and (for enforce/testing) its own MX mx1.DOMAIN at 127.0.0.2.</summary>
        public void Publish(string domain, string mode, string id = "1", int ttl = LoopbackDnsServer.DefaultTtl, bool policyMx = true)
        {
            Dns.Txt($"_mta-sts.{domain}", $"v=STSv1; id={id};", ttl);
            Policies.Serve($"mta-sts.{domain}", $"version: STSv1\r\nmode: {mode}\r\nmx: mx1.{domain}\r\nmax_age: 86400\r\n");
            if (policyMx) Dns.Mx(domain, 20, $"mx1.{domain}").A($"mx1.{domain}", "127.0.0.2");
        }

        public async Task<string> SendAsync(string recipient, string subject)
        {
            await RelayClient.SendAsync(Node.RelayPort, [TestMessages.Message(subject, "MTA-STS.\r\n", to: recipient)], "sender@origin.test", recipient);
            return subject;
        }

        /// <summary>The delivery log lines of a recipient, once <paramref name="done"/> holds for them.</summary>
        public Task<JsonElement[]> LogLinesAsync(string recipient, Func<JsonElement[], bool> done, string what) =>
            Eventually.Returns(() => Task.FromResult(LogLines(recipient)), done, Deadline, what);

        private JsonElement[] LogLines(string recipient)
        {
            var path = Path.Combine(Node.DataDirectory, "delivery.log");
            if (!File.Exists(path)) return [];
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => JsonDocument.Parse(l).RootElement.Clone())
                .Where(l => l.GetProperty("recipient").GetString() == recipient)];
        }

        /// <summary>The report for the UTC day the node logged <paramref name="line"/> (not the test's clock: a run may cross midnight).</summary>
        public Task<JsonElement> ReportAsync(string domain, JsonElement line) =>
            Node.GetJsonAsync($"/api/admin/tls-rpt/v1?domain={domain}&date={Day(line)}");
    }

    private static string Day(JsonElement line) => line.GetProperty("time").GetString()![..10];

    private static string Sts(JsonElement line) =>
        line.TryGetProperty("mtaSts", out var sts) ? $"{sts.GetProperty("mode").GetString()}/{sts.GetProperty("result").GetString()}" : "none";

    private static bool Received(TestSmtpSink sink, string subject) =>
        sink.Messages.Any(m => System.Text.Encoding.UTF8.GetString(m.Body).Contains($"Subject: {subject}", StringComparison.Ordinal));

    private static JsonElement OnlyPolicy(JsonElement report, string type)
    {
        var policy = Assert.Single(report.GetProperty("policies").EnumerateArray());
        Assert.Equal(type, policy.GetProperty("policy").GetProperty("policy-type").GetString());
        return policy;
    }

    private static long Count(JsonElement policy, string name) => policy.GetProperty("summary").GetProperty(name).GetInt64();

    [Fact]
    public async Task Enforce_refuses_the_MX_outside_the_policy_and_delivers_over_verified_TLS_to_the_one_inside()
    {
        fleet.Publish("enforce.test", "enforce");

        var subject = await fleet.SendAsync("rcpt@enforce.test", "enforce: policy mx");

        await fleet.PolicyMx.WaitUntilAsync(s => Received(s, subject), Deadline, "the message at the policy's MX");
        Assert.False(Received(fleet.RogueMx, subject));
        var line = Assert.Single(await fleet.LogLinesAsync("rcpt@enforce.test", l => l.Length > 0, "the delivery log line"));
        Assert.Equal(("delivered", "mx1.enforce.test", true), (line.GetProperty("outcome").GetString(), line.GetProperty("mxHost").GetString(), line.GetProperty("tls").GetBoolean()));
        Assert.Equal("enforce/success", Sts(line));

        var report = await fleet.ReportAsync("enforce.test", line);
        var policy = OnlyPolicy(report, "sts");
        Assert.Equal("enforce.test", policy.GetProperty("policy").GetProperty("policy-domain").GetString());
        Assert.Contains("mode: enforce", policy.GetProperty("policy").GetProperty("policy-string").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal((1, 0), (Count(policy, "total-successful-session-count"), Count(policy, "total-failure-session-count")));
    }

    [Fact]
    public async Task Enforce_with_no_MX_inside_the_policy_defers_and_the_log_says_why()
    {
        fleet.Publish("norogue.test", "enforce", policyMx: false);

        await fleet.SendAsync("rcpt@norogue.test", "enforce: no mx");

        var line = (await fleet.LogLinesAsync("rcpt@norogue.test", l => l.Length > 0, "a deferral in the delivery log"))[0];
        Assert.Equal(("deferred", "4.7.5"), (line.GetProperty("outcome").GetString(), line.GetProperty("enhancedCode").GetString()));
        Assert.Contains("no MX matches", line.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("enforce/mx-mismatch", Sts(line));
        Assert.False(Received(fleet.RogueMx, "enforce: no mx"));
        var failure = OnlyPolicy(await fleet.ReportAsync("norogue.test", line), "sts").GetProperty("failure-details")[0];
        Assert.Equal(("validation-failure", "mx-mismatch"), (failure.GetProperty("result-type").GetString(), failure.GetProperty("failure-reason-code").GetString()));
    }

    [Fact]
    public async Task Enforce_refuses_an_MX_inside_the_policy_whose_certificate_is_not_valid_for_its_name()
    {
        // mx.badcert.test is in the policy but is the rogue sink, whose self-signed certificate names sink.test.
        fleet.Publish("badcert.test", "enforce", policyMx: false);
        fleet.Dns.Mx("badcert.test", 5, "mx.badcert.test").A("mx.badcert.test", "127.0.0.3");
        fleet.Policies.Serve("mta-sts.badcert.test", "version: STSv1\nmode: enforce\nmx: mx.badcert.test\nmax_age: 86400\n");

        await fleet.SendAsync("rcpt@badcert.test", "enforce: bad certificate");

        var line = (await fleet.LogLinesAsync("rcpt@badcert.test", l => l.Length > 0, "a deferral in the delivery log"))[0];
        Assert.Equal(("deferred", "4.7.5"), (line.GetProperty("outcome").GetString(), line.GetProperty("enhancedCode").GetString()));
        Assert.Equal("enforce/certificate-host-mismatch", Sts(line));
        Assert.False(Received(fleet.RogueMx, "enforce: bad certificate"));
        var failure = OnlyPolicy(await fleet.ReportAsync("badcert.test", line), "sts").GetProperty("failure-details")[0];
        Assert.Equal(("certificate-host-mismatch", "mx.badcert.test"), (failure.GetProperty("result-type").GetString(), failure.GetProperty("receiving-mx-hostname").GetString()));
    }

    [Fact]
    public async Task Testing_mode_delivers_to_the_MX_outside_the_policy_and_logs_that_it_would_have_failed()
    {
        fleet.Publish("testing.test", "testing", policyMx: false);

        var subject = await fleet.SendAsync("rcpt@testing.test", "testing: rogue mx");

        await fleet.RogueMx.WaitUntilAsync(s => Received(s, subject), Deadline, "the message at the MX outside the policy");
        var line = Assert.Single(await fleet.LogLinesAsync("rcpt@testing.test", l => l.Length > 0, "the delivery log line"));
        Assert.Equal(("delivered", "testing/mx-mismatch"), (line.GetProperty("outcome").GetString(), Sts(line)));
        Assert.True(line.GetProperty("mtaSts").GetProperty("wouldFail").GetBoolean());
        var policy = OnlyPolicy(await fleet.ReportAsync("testing.test", line), "sts");
        Assert.Equal((0, 1), (Count(policy, "total-successful-session-count"), Count(policy, "total-failure-session-count")));
    }

    [Fact]
    public async Task A_policy_that_cannot_be_fetched_with_none_cached_means_delivery_as_without_one()
    {
        // The TXT record says there is a policy, but the policy host answers 404.
        fleet.Dns.Txt("_mta-sts.fetchfail.test", "v=STSv1; id=1;");

        var subject = await fleet.SendAsync("rcpt@fetchfail.test", "fetch fails: no policy");

        await fleet.RogueMx.WaitUntilAsync(s => Received(s, subject), Deadline, "the message at the domain's MX, as without MTA-STS");
        Assert.Equal(1, fleet.Policies.RequestsFor("mta-sts.fetchfail.test"));
        var line = Assert.Single(await fleet.LogLinesAsync("rcpt@fetchfail.test", l => l.Length > 0, "the delivery log line"));
        Assert.Equal(("delivered", "none"), (line.GetProperty("outcome").GetString(), Sts(line)));
        var failure = OnlyPolicy(await fleet.ReportAsync("fetchfail.test", line), "no-policy-found").GetProperty("failure-details")[0];
        Assert.Equal("sts-policy-fetch-error", failure.GetProperty("result-type").GetString());
    }

    [Fact]
    public async Task A_cached_policy_stays_in_force_when_a_refresh_fails()
    {
        // TTL 0: every new connection asks the TXT record again.
        fleet.Publish("cached.test", "enforce", ttl: 0);
        var first = await fleet.SendAsync("first@cached.test", "cached: first");
        await fleet.PolicyMx.WaitUntilAsync(s => Received(s, first), Deadline, "the first message at the policy's MX");

        // A new id, and the policy host now fails: the cached enforce policy must still keep mail from the rogue MX.
        fleet.Dns.Forget("_mta-sts.cached.test");
        fleet.Dns.Txt("_mta-sts.cached.test", "v=STSv1; id=2;", 0);
        fleet.Policies.Serve("mta-sts.cached.test", "gone", status: 500);
        var second = await fleet.SendAsync("second@cached.test", "cached: second");

        await fleet.PolicyMx.WaitUntilAsync(s => Received(s, second), Deadline, "the second message at the policy's MX");
        Assert.False(Received(fleet.RogueMx, second));
        Assert.Equal(2, fleet.Policies.RequestsFor("mta-sts.cached.test"));
        var line = Assert.Single(await fleet.LogLinesAsync("second@cached.test", l => l.Length > 0, "the second message's log line"));
        Assert.Equal("enforce/success", Sts(line));
        var policy = OnlyPolicy(await fleet.ReportAsync("cached.test", line), "sts");
        Assert.Equal(2, Count(policy, "total-successful-session-count"));
        Assert.Equal("sts-policy-fetch-error", policy.GetProperty("failure-details")[0].GetProperty("result-type").GetString());
    }

    [Fact]
    public async Task The_report_route_refuses_a_missing_domain_and_a_bad_date_and_says_when_it_has_nothing()
    {
        using var http = new HttpClient { BaseAddress = fleet.Node.Node.ManagementUri };

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await http.GetAsync("/api/admin/tls-rpt/v1")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/admin/tls-rpt/v1?domain=enforce.test&date=yesterday")).StatusCode);
        var none = await http.GetAsync("/api/admin/tls-rpt/v1?domain=never.test");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Contains("no TLS sessions", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_report_is_asked_of_every_member_through_the_cluster_and_its_counts_survive_a_restart()
    {
        fleet.Publish("kept.test", "enforce");
        var subject = await fleet.SendAsync("rcpt@kept.test", "kept: counted");
        await fleet.PolicyMx.WaitUntilAsync(s => Received(s, subject), Deadline, "the message at the policy's MX");
        var day = Day((await fleet.LogLinesAsync("rcpt@kept.test", l => l.Length > 0, "the delivery log line"))[0]);

        async Task<(long, long)> CountsAsync()
        {
            using var http = new HttpClient { BaseAddress = fleet.Node.Node.ManagementUri };
            using var response = await http.GetAsync($"/api/admin/tls-rpt/v1?domain=kept.test&date={day}");
            // The node answers for itself through its cluster path, as every Up member would.
            Assert.Equal(("1", false), (string.Join(",", response.Headers.GetValues("ActorMta-Nodes-Answered")), response.Headers.Contains("ActorMta-Nodes-Missing")));
            var policy = OnlyPolicy(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement, "sts");
            return (Count(policy, "total-successful-session-count"), Count(policy, "total-failure-session-count"));
        }

        Assert.Equal((1, 0), await CountsAsync());
        await fleet.Node.RestartAsync();
        Assert.Equal((1, 0), await CountsAsync());
    }
}
