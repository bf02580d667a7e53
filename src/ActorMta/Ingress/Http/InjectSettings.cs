using ActorMta.Configuration;

namespace ActorMta.Ingress.Http;

/// <summary>actormta.inject: the HTTP injection API's limits and its memory of Idempotency-Keys.</summary>
/// <param name="MaxRecipients">Recipients in one request (more: 422).</param>
/// <param name="MaxBatchMessages">Requests in one POST /api/inject/v1/batch (more: 422).</param>
/// <param name="MaxRequestSize">Octets of one request body, JSON and base64 attachments included (more: 413).</param>
/// <param name="MaxGeneratedSize">Octets of mail one request (a whole batch) may generate before it is queued (more: 422).</param>
/// <param name="IdempotencyKeys">Idempotency-Keys this node remembers at most (the oldest are forgotten first).</param>
/// <param name="IdempotencyTime">How long this node remembers an Idempotency-Key and its answer.</param>
public sealed record InjectSettings(int MaxRecipients, int MaxBatchMessages, long MaxRequestSize, long MaxGeneratedSize, int IdempotencyKeys, TimeSpan IdempotencyTime)
{
    public static InjectSettings Default { get; } = new(1000, 100, 64L * 1024 * 1024, 256L * 1024 * 1024, 100_000, TimeSpan.FromHours(24));

    public static InjectSettings From(SettingsReader settings) => new(
        settings.Int("actormta.inject.max-recipients", 1, 1_000_000),
        settings.Int("actormta.inject.max-batch-messages", 1, 100_000),
        settings.Size("actormta.inject.max-request-size", min: 1024),
        settings.Size("actormta.inject.max-generated-size", min: 1024),
        settings.Int("actormta.inject.idempotency.max-keys", 0, 10_000_000),
        settings.Duration("actormta.inject.idempotency.remember-for", TimeSpan.FromSeconds(1)));
}
