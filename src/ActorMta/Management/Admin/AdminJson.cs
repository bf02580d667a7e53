using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ActorMta.Management.Admin;

/// <summary>The admin and injection APIs' JSON: KumoMTA's snake_case names, and one way of refusing a body.</summary>
public static class AdminJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>The body as <typeparamref name="T"/>, or a 400 saying what is wrong with it.</summary>
    /// <param name="whenEmpty">What a request without a body (or with JSON null) means; null: it is refused.</param>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellation, T? whenEmpty = null) where T : class
    {
        if (request.Query.Count > 0) return (null, Error(400, "send the request as a JSON body, not in the query string"));
        if (whenEmpty is not null && (request.ContentLength is 0 || request.ContentType is null)) return (whenEmpty, null);
        try
        {
            var value = await request.ReadFromJsonAsync<T>(Options, cancellation) ?? whenEmpty;
            return value is null ? (null, Error(400, "the body is empty; a JSON object is expected")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Error(400, $"not the JSON expected for this request: {e.Message}"));
        }
        catch (InvalidOperationException e)
        {
            return (null, Error(400, $"a JSON body (Content-Type: application/json) is expected: {e.Message}"));
        }
    }

    public static IResult Error(int status, string message) => Results.Json(new { error = message }, Options, statusCode: status);
}
