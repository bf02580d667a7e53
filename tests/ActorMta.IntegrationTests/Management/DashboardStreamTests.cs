using System.Net;
using System.Text.Json;
using ActorMta.Management.Dashboard;
using ActorMta.TestSupport;

namespace ActorMta.IntegrationTests.Management;

/// <summary>The dashboard's files and its event stream over plain HTTP: headers, content, the cap on streams, and streams ending with their viewer.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardStreamTests(DashboardNode fixture)
{
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_page_is_served_from_the_node_with_a_content_security_policy()
    {
        foreach (var (path, type) in new[] { ("/", "text/html"), ("/dashboard.js", "text/javascript"), ("/chart.js", "text/javascript"), ("/dashboard.css", "text/css") })
        {
            using var response = await Http.GetAsync(new Uri(fixture.Node.Node.ManagementUri, path));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(DashboardEndpoints.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("http://", text.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal); // nothing from elsewhere
            Assert.DoesNotContain("https://", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_stream_pushes_snapshots_refuses_one_stream_too_many_and_ends_when_its_viewer_leaves()
    {
        // Streams of an earlier test may still be closing: wait until this test holds them all.
        var streams = await Eventually.Returns(async () =>
        {
            var opened = await Task.WhenAll(Enumerable.Range(0, DashboardNode.MaxStreams).Select(_ => OpenAsync()));
            if (opened.All(r => r.StatusCode == HttpStatusCode.OK)) return opened;
            foreach (var r in opened) r.Dispose();
            return null;
        }, s => s is not null, Deadline, $"{DashboardNode.MaxStreams} streams open");
        try
        {
            var first = streams![0];
            Assert.Equal("text/event-stream", first.Content.Headers.ContentType?.MediaType);
            Assert.Equal(DashboardEndpoints.ContentSecurityPolicy, first.Headers.GetValues("Content-Security-Policy").Single());
            using var reader = new StreamReader(await first.Content.ReadAsStreamAsync());
            var snapshot = await NextSnapshotAsync(reader);
            while (snapshot.GetProperty("members").EnumerateArray().All(m => m.GetProperty("status").GetString() != "Up"))
                snapshot = await NextSnapshotAsync(reader);
            Assert.True(snapshot.GetProperty("counts").TryGetProperty("accepted", out _));
            var at = snapshot.GetProperty("at").GetDateTimeOffset();
            Assert.True((await NextSnapshotAsync(reader)).GetProperty("at").GetDateTimeOffset() > at, "a newer snapshot follows");

            using (var tooMany = await OpenAsync())
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, tooMany.StatusCode);
                var error = JsonDocument.Parse(await tooMany.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
                Assert.Contains("max-streams", error);
            }

            // The viewer leaves: its stream ends on the node and the slot is free again.
            first.Dispose();
            var again = await Eventually.Returns(OpenAsync, r =>
            {
                if (r.StatusCode == HttpStatusCode.OK) return true;
                r.Dispose();
                return false;
            }, Deadline, "a stream accepted after one was closed");
            streams[0] = again;
        }
        finally
        {
            foreach (var s in streams!) s.Dispose();
        }
    }

    private Task<HttpResponseMessage> OpenAsync() =>
        Http.GetAsync(new Uri(fixture.Node.Node.ManagementUri, DashboardEndpoints.EventsPath), HttpCompletionOption.ResponseHeadersRead);

    private static async Task<JsonElement> NextSnapshotAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var snapshot = false;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line == "event: snapshot") snapshot = true;
            else if (snapshot && line.StartsWith("data: ", StringComparison.Ordinal)) return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
        }
        throw new EndOfStreamException("the stream ended before a snapshot");
    }
}
