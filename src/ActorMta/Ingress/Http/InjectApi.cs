using System.Net;
using System.Text.Json;
using ActorMta.Management.Admin;
using ActorMta.Queue;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorMta.Ingress.Http;

/// <summary>
/// The HTTP injection API (KumoMTA's shapes): POST /api/inject/v1 with one request, POST
/// /api/inject/v1/batch with {"messages": [request, ...]}. The management access check has already
/// required an inject token and a JSON body. An Idempotency-Key header makes a repeat answer as the
/// first did without queueing again (<see cref="IdempotencyMemory"/>).
/// </summary>
public static class InjectApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapInjectApi(this IEndpointRouteBuilder routes, Injector injector, InjectSettings settings, TimeProvider clock)
    {
        var memory = new IdempotencyMemory(settings.IdempotencyKeys, settings.IdempotencyTime, clock);
        routes.MapPost("/api/inject/v1", (HttpContext http, ActorRegistry registry) =>
            Handle(http, settings, memory, "single:", async (body, cancellation) =>
            {
                var (request, refusal) = Parse<InjectRequest>(body);
                if (refusal is not null) return refusal;
                return await injector.InjectAsync(request!, await registry.GetAsync<QueueIntake>(cancellation), Client(http), Suppression(http));
            }));
        routes.MapPost("/api/inject/v1/batch", (HttpContext http, ActorRegistry registry) =>
            Handle(http, settings, memory, "batch:", async (body, cancellation) =>
            {
                var (batch, refusal) = Parse<InjectBatchRequest>(body);
                if (refusal is not null) return refusal;
                var messages = batch!.Messages ?? [];
                if (messages.Count == 0) return Error(422, "messages is required: a list of injection requests");
                if (messages.Count > settings.MaxBatchMessages)
                    return Error(422, $"{messages.Count} messages; at most {settings.MaxBatchMessages} per batch (actormta.inject.max-batch-messages)");
                var recipients = messages.Sum(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("recipients", out var r) && r.ValueKind == JsonValueKind.Array ? r.GetArrayLength() : 0);
                if (recipients > injector.Rules.MaxRecipients)
                    return Error(422, $"{recipients} recipients in the batch; at most {injector.Rules.MaxRecipients} per request (actormta.inject.max-recipients)");
                var parsed = messages.Select(ParseMessage).ToArray();
                var requests = parsed.Where(p => p.Request is not null).Select(p => p.Request!).ToArray();
                var answers = new Queue<InjectAnswer>(await injector.InjectAsync(requests, await registry.GetAsync<QueueIntake>(cancellation), Client(http), Suppression(http)));
                var results = parsed.Select(p => p.Refusal ?? answers.Dequeue()).ToArray();
                // Each message's own answer (its status and KumoMTA's fields, or an error) in request order.
                return new InjectAnswer(200, new { results = results.Select(r => new BatchResult(r.Status, r.Body)) });
            }));
        return routes;
    }

    private static (InjectRequest? Request, InjectAnswer? Refusal) ParseMessage(JsonElement message)
    {
        try
        {
            var request = message.Deserialize<InjectRequest>(AdminJson.Options);
            return request is null ? (null, Error(400, "a message is null; an injection request object is expected")) : (request, null);
        }
        catch (JsonException e)
        {
            return (null, Error(400, $"not an injection request: {e.Message}"));
        }
    }

    /// <summary>One message's answer in a batch: its status, then the fields of its answer.</summary>
    private sealed record BatchResult(int Status, [property: System.Text.Json.Serialization.JsonIgnore] object Answer)
    {
        [System.Text.Json.Serialization.JsonExtensionData]
        public Dictionary<string, JsonElement> Fields => JsonSerializer.SerializeToElement(Answer, AdminJson.Options).EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
    }

    private static async Task<IResult> Handle(HttpContext http, InjectSettings settings, IdempotencyMemory memory, string kind,
        Func<byte[], CancellationToken, Task<InjectAnswer>> run)
    {
        var (body, tooLarge) = await ReadBodyAsync(http, settings.MaxRequestSize);
        if (tooLarge is not null) return Result(tooLarge);
        var key = http.Request.Headers[IdempotencyKeyHeader].ToString();
        if (key.Length == 0) return Result(await run(body!, http.RequestAborted));
        if (key.Length > 256) return Result(Error(400, $"{IdempotencyKeyHeader} is longer than 256 characters"));
        // The work runs to its end even if this client goes away: a repeat then gets its answer.
        var answer = memory.Answer(kind + key, body, () => run(body!, CancellationToken.None));
        return answer is null
            ? Result(Error(422, $"{IdempotencyKeyHeader} '{key}' was used with a different request body; use a new key for a new request"))
            : Result(await answer);
    }

    private static async Task<(byte[]? Body, InjectAnswer? TooLarge)> ReadBodyAsync(HttpContext http, long limit)
    {
        var (request, cancellation) = (http.Request, http.RequestAborted);
        // Our limit, not Kestrel's 30 MB default: past it we answer 413 with the reason ourselves.
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = null;
        if (request.ContentLength > limit) return (null, Error(413, $"the request is {request.ContentLength} octets; at most {limit} (actormta.inject.max-request-size)"));
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellation)) > 0)
        {
            if (buffer.Length + read > limit) return (null, Error(413, $"the request is over {limit} octets (actormta.inject.max-request-size)"));
            buffer.Write(chunk, 0, read);
        }
        return (buffer.ToArray(), null);
    }

    private static (T? Value, InjectAnswer? Refusal) Parse<T>(byte[] body) where T : class
    {
        if (body.Length == 0) return (null, Error(400, "the body is empty; a JSON object is expected"));
        try
        {
            var value = JsonSerializer.Deserialize<T>(body, AdminJson.Options);
            return value is null ? (null, Error(400, "the body is JSON null; a JSON object is expected")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Error(400, $"not the JSON expected for this request: {e.Message}"));
        }
    }

    /// <summary>The node's suppression check, when it has one (registered with the suppression list).</summary>
    private static Policy.RecipientSuppression? Suppression(HttpContext http) =>
        (Policy.RecipientSuppression?)http.RequestServices.GetService(typeof(Policy.RecipientSuppression));

    private static IPAddress Client(HttpContext http) => http.Connection.RemoteIpAddress ?? IPAddress.Loopback;

    private static InjectAnswer Error(int status, string message) => new(status, new { error = message });

    private static IResult Result(InjectAnswer answer) => Results.Json(answer.Body, AdminJson.Options, statusCode: answer.Status);
}
