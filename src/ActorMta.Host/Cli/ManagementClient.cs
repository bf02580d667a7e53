using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ActorMta.Host.Cli;

/// <summary>
/// HTTP to one node's management endpoint with its bearer token. Every failure becomes a
/// <see cref="CliFailure"/>: one line that says what to do, and an exit code per cause.
/// </summary>
public sealed class ManagementClient(Uri baseUrl, ManagementToken token, TimeSpan timeout)
{
    public Uri BaseUrl => baseUrl;

    public Task<ManagementAnswer> GetAsync(string pathAndQuery) => SendAsync(HttpMethod.Get, pathAndQuery, body: null);

    /// <summary>State changes take a JSON body (an empty object when there is nothing to say), never a query string.</summary>
    public Task<ManagementAnswer> PostAsync(string path, object? body) => SendAsync(HttpMethod.Post, path, body ?? new { });

    public Task<ManagementAnswer> DeleteAsync(string path, object body) => SendAsync(HttpMethod.Delete, path, body);

    private async Task<ManagementAnswer> SendAsync(HttpMethod method, string pathAndQuery, object? body)
    {
        using var http = new HttpClient { Timeout = timeout };
        using var request = new HttpRequestMessage(method, new Uri(baseUrl, pathAndQuery));
        if (token.Value is { } value) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", value);
        if (body is not null)
            request.Content = new StringContent(JsonSerializer.Serialize(body, CliJson.Options), Encoding.UTF8, "application/json");
        var what = $"{method} {request.RequestUri!.AbsolutePath}";
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            throw new CliFailure(CliExitCodes.Unreachable, $"nothing listens at {baseUrl} (connection refused): is the node running, and is --url (or ACTORMTA_URL) its management port?");
        }
        catch (HttpRequestException e)
        {
            throw new CliFailure(CliExitCodes.Unreachable, $"cannot reach {baseUrl}: {e.Message}");
        }
        catch (TaskCanceledException)
        {
            throw new CliFailure(CliExitCodes.Unreachable, $"{baseUrl} did not answer {what} within {timeout.TotalSeconds:0}s");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            var json = TryParse(text);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return new ManagementAnswer(status, json ?? default, text);
            var said = ErrorText(json) is { } error ? $": {error}" : "";
            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized when token.Value is null => new CliFailure(CliExitCodes.Unauthorized,
                    $"the node wants a management token for {what} (HTTP 401){said}; pass --token-file (the node writes DATA/admin.token) or set ACTORMTA_TOKEN"),
                HttpStatusCode.Unauthorized => new CliFailure(CliExitCodes.Unauthorized,
                    $"the node does not accept the token from {token.Source} (HTTP 401){said}; is it one of this node's management tokens?"),
                HttpStatusCode.Forbidden => new CliFailure(CliExitCodes.Forbidden,
                    $"the token from {token.Source} is not allowed to {what} (HTTP 403){said}; use an admin token"),
                HttpStatusCode.NotFound when json is null || ErrorText(json) is null => new CliFailure(CliExitCodes.NotFound,
                    $"the node has no {what} route (HTTP 404): it runs an older version than this command needs"),
                HttpStatusCode.NotFound => new CliFailure(CliExitCodes.NotFound, $"not found (HTTP 404){said}"),
                HttpStatusCode.ServiceUnavailable when json is { ValueKind: JsonValueKind.Object } && ErrorText(json) is null =>
                    new PartialAnswer(new ManagementAnswer(status, json.Value, text)),
                _ when status >= 500 => new CliFailure(CliExitCodes.NodeError, $"the node failed {what} (HTTP {status}){said}"),
                _ => new CliFailure(CliExitCodes.Refused, $"the node refused {what} (HTTP {status}){(said.Length > 0 ? said : ": " + text.Trim())}"),
            };
        }
    }

    private static JsonElement? TryParse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try { return JsonDocument.Parse(text).RootElement.Clone(); }
        catch (JsonException) { return null; }
    }

    /// <summary>Our routes answer {"error": ...}; Akka Management's shapes {"message": ...}.</summary>
    private static string? ErrorText(JsonElement? json) =>
        json is { ValueKind: JsonValueKind.Object } o
        && (o.TryGetProperty("error", out var e) || o.TryGetProperty("message", out e)) && e.ValueKind == JsonValueKind.String
            ? e.GetString()
            : null;
}

/// <param name="Json">The body (default when the node sent none).</param>
public sealed record ManagementAnswer(int Status, JsonElement Json, string Text);

/// <summary>A 503 with a body: some nodes or partitions did not answer; the rest is still worth showing.</summary>
public sealed class PartialAnswer(ManagementAnswer answer) : Exception("only part of the fleet answered")
{
    public ManagementAnswer Answer { get; } = answer;
}

/// <param name="Source">Where it came from, for the diagnosis ("--token-file x", "ACTORMTA_TOKEN").</param>
public sealed record ManagementToken(string? Value, string Source);

public static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
