using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;

namespace ActorMta.IntegrationTests.Foundation;

/// <summary>
/// The management endpoint bound beyond loopback (0.0.0.0, reached here over 127.0.0.1): reading needs a
/// read token, changing state an admin token with a JSON body; health stays open without its detail.
/// </summary>
public sealed class ManagementAccessTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Beyond_loopback_every_route_wants_the_right_token_and_state_changes_want_admin_and_json()
    {
        using var data = new TempDirectory();
        var environment = TestNode.IsolatedEnvironment(data.Path);
        environment["ACTORMTA_MANAGEMENT_HOST"] = "0.0.0.0";
        environment["ACTORMTA_MANAGEMENT_READ_TOKENS"] = TestTokens.Read;
        environment["ACTORMTA_MANAGEMENT_ADMIN_TOKENS"] = TestTokens.Admin;
        environment["ACTORMTA_MANAGEMENT_INJECT_TOKENS"] = TestTokens.Inject;
        await using var node = await TestNode.StartAsync(environment);
        var baseUri = new Uri($"http://127.0.0.1:{node.ManagementUri.Port}");
        Assert.False(File.Exists(Path.Combine(data.Path, "admin.token")));

        // Health: open for probes, but only the verdict without a read token.
        var bare = await Eventually.Returns(() => Send(HttpMethod.Get, baseUri, "/health/ready"), r => r.Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "/health/ready 200");
        Assert.False(bare.Body.TryGetProperty("checks", out _));
        Assert.True((await Send(HttpMethod.Get, baseUri, "/health/ready", TestTokens.Read)).Body.TryGetProperty("checks", out _));

        // Reading: 401 without or with an unknown token, 403 for a token of another scope, 200 for read and admin.
        var anonymous = await Send(HttpMethod.Get, baseUri, "/queue");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.StartsWith("Bearer realm=\"actormta\"", anonymous.Authenticate);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, baseUri, "/cluster/members", TestTokens.Read + "x")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, baseUri, "/metrics", TestTokens.Inject)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, baseUri, "/metrics")).Status);
        using (var scrape = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "/metrics")) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Read) } })
        using (var metrics = await Http.SendAsync(scrape))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Contains("# TYPE actormta_queue_messages gauge", await metrics.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, baseUri, "/cluster/members", TestTokens.Read)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, baseUri, "/queue", TestTokens.Admin)).Status);
        // The dashboard page holds no data: open like health; its event stream is a read route.
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, baseUri, "/")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, baseUri, "/dashboard.js")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, baseUri, "/api/dashboard/v1/events")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, baseUri, "/api/dashboard/v1/events", TestTokens.Inject)).Status);

        // Changing state: a forged cross-site form post (a cookie, no token) is refused; read is not enough;
        // admin must send JSON, not a form and not a query string.
        const string suspend = "/delivery/domains/example.test/suspend";
        var form = new StringContent("for=100000d&reason=x", Encoding.ASCII, "application/x-www-form-urlencoded");
        var forged = await Send(HttpMethod.Post, baseUri, suspend, content: form, cookie: "session=abc");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, baseUri, suspend, TestTokens.Read, Json(new { @for = "10m" }))).Status);
        var formAsAdmin = await Send(HttpMethod.Post, baseUri, suspend, TestTokens.Admin,
            new StringContent("for=10m", Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, formAsAdmin.Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(HttpMethod.Post, baseUri, suspend + "?for=100000d", TestTokens.Admin)).Status);
        var badJson = await Send(HttpMethod.Post, baseUri, suspend, TestTokens.Admin, new StringContent("{\"for\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badJson.Status);
        Assert.Contains("not the JSON expected", badJson.Body.GetProperty("error").GetString());
        var badDuration = await Send(HttpMethod.Post, baseUri, suspend, TestTokens.Admin, Json(new { @for = "forever" }));
        Assert.Equal(HttpStatusCode.BadRequest, badDuration.Status);
        var domainBefore = await Send(HttpMethod.Get, baseUri, "/delivery/domains/example.test", TestTokens.Read);
        Assert.Equal(JsonValueKind.Null, domainBefore.Body.GetProperty("suspendedUntil").ValueKind);

        var suspended = await Send(HttpMethod.Post, baseUri, suspend, TestTokens.Admin, Json(new { @for = "10m", reason = "maintenance" }));

        Assert.Equal(HttpStatusCode.OK, suspended.Status);
        Assert.NotEqual(JsonValueKind.Null, suspended.Body.GetProperty("suspendedUntil").ValueKind);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, baseUri, "/delivery/domains/example.test/resume", TestTokens.Inject)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Post, baseUri, "/delivery/domains/example.test/resume", TestTokens.Admin)).Status);

        // KumoMTA's suspend API: 422 with the reason for what it cannot do, 400 for what is not JSON, an id otherwise.
        const string api = "/api/admin/suspend/v1";
        var tenant = await Send(HttpMethod.Post, baseUri, api, TestTokens.Admin, Json(new { domain = "example.test", tenant = "t1", reason = "r", duration = "1h" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tenant.Status);
        Assert.Contains("tenant", tenant.Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Send(HttpMethod.Post, baseUri, api, TestTokens.Admin, Json(new { domain = "example.test", duration = "1h" }))).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Send(HttpMethod.Post, baseUri, api, TestTokens.Admin, Json(new { domain = "example.test", reason = "r", duration = "soon" }))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(HttpMethod.Post, baseUri, api, TestTokens.Admin, new StringContent("[1,", Encoding.UTF8, "application/json"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, baseUri, api, TestTokens.Read, Json(new { domain = "example.test", reason = "r", duration = "1h" }))).Status);
        var created = await Send(HttpMethod.Post, baseUri, api, TestTokens.Admin, Json(new { domain = "Example.TEST", reason = "blocked by the postmaster", expires = DateTimeOffset.UtcNow.AddHours(2) }));
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var id = created.Body.GetProperty("id").GetString();
        var listed = Assert.Single((await Send(HttpMethod.Get, baseUri, api, TestTokens.Read)).Body.EnumerateArray());
        Assert.Equal((id, "example.test", "blocked by the postmaster"), (listed.GetProperty("id").GetString(), listed.GetProperty("domain").GetString(), listed.GetProperty("reason").GetString()));
        Assert.StartsWith("1h 59m", listed.GetProperty("duration").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Delete, baseUri, api, TestTokens.Admin, Json(new { id }))).Status);
        Assert.Equal(0, (await Send(HttpMethod.Get, baseUri, api, TestTokens.Read)).Body.GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Delete, baseUri, api, TestTokens.Admin, Json(new { id }))).Status);

        // The bounce API changes state (admin); ready-q-states reads (read).
        const string bounce = "/api/admin/bounce/v1";
        var rule = Json(new { domain = "example.test", reason = "r" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Post, baseUri, bounce, content: rule)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, baseUri, bounce, TestTokens.Read, Json(new { domain = "example.test", reason = "r" }))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Delete, baseUri, bounce, TestTokens.Inject, Json(new { id }))).Status);
        var truncated = await Send(HttpMethod.Post, baseUri, bounce, TestTokens.Admin, new StringContent("{\"domain\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, truncated.Status);
        Assert.Contains("not the JSON expected", truncated.Body.GetProperty("error").GetString());
        Assert.Equal(0, (await Send(HttpMethod.Get, baseUri, bounce, TestTokens.Read)).Body.GetArrayLength());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, baseUri, "/api/admin/ready-q-states/v1")).Status);
        var states = await Send(HttpMethod.Get, baseUri, "/api/admin/ready-q-states/v1", TestTokens.Read);
        Assert.Equal(HttpStatusCode.OK, states.Status);
        Assert.Equal(JsonValueKind.Object, states.Body.GetProperty("states_by_ready_queue").ValueKind);

        // Retry changes state (admin, JSON); inspect-message and the shard listing read; leaving the cluster is admin's.
        const string retry = "/api/admin/retry/v1";
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Post, baseUri, retry, content: Json(new { domain = "example.test" }))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, baseUri, retry, TestTokens.Read, Json(new { domain = "example.test" }))).Status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Send(HttpMethod.Post, baseUri, retry, TestTokens.Admin,
            new StringContent("domain=example.test", Encoding.ASCII, "application/x-www-form-urlencoded"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Post, baseUri, retry, TestTokens.Admin, Json(new { domain = "example.test" }))).Status);
        const string inspect = "/api/admin/inspect-message/v1?id=not-a-queue-id";
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, baseUri, inspect)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, baseUri, inspect, TestTokens.Inject)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, baseUri, inspect, TestTokens.Read)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, baseUri, "/cluster/shards/queue")).Status);
        // Issue 13's routes: the suppression list changes state (admin); the TLS-RPT report and egress usage read.
        const string suppression = "/api/admin/suppression/v1";
        var entry = Json(new { recipient = "someone@example.test", reason = "r" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Post, baseUri, suppression, content: entry)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, baseUri, suppression, TestTokens.Read, Json(new { recipient = "someone@example.test" }))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, baseUri, suppression + "/bulk", TestTokens.Inject, Json(new { entries = new[] { "a@example.test" } }))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Delete, baseUri, suppression, TestTokens.Inject, Json(new { recipient = "someone@example.test" }))).Status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Send(HttpMethod.Post, baseUri, suppression, TestTokens.Admin,
            new StringContent("recipient=someone%40example.test", Encoding.ASCII, "application/x-www-form-urlencoded"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, baseUri, suppression + "/check?recipient=someone@example.test")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, baseUri, "/api/admin/tls-rpt/v1?domain=example.test")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, baseUri, "/api/admin/tls-rpt/v1?domain=example.test", TestTokens.Inject)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, baseUri, "/api/admin/tls-rpt/v1?domain=example.test", TestTokens.Read)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, baseUri, "/api/admin/egress/v1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, baseUri, "/api/admin/egress/v1", TestTokens.Read)).Status);
        const string leave = "/cluster/members/akka.tcp%3A%2F%2Factormta%40127.0.0.1%3A1/leave";
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Post, baseUri, leave)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, baseUri, leave, TestTokens.Read)).Status);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, JsonElement Body, string Authenticate)> Send(HttpMethod method, Uri baseUri, string path,
        string? token = null, HttpContent? content = null, string? cookie = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(baseUri, path)) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonElement body;
        try { body = JsonDocument.Parse(text).RootElement.Clone(); }
        catch (JsonException) { body = default; }
        return (response.StatusCode, body, response.Headers.WwwAuthenticate.ToString());
    }
}
