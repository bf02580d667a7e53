using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace ActorMta.Management.Access;

/// <summary>
/// Who may use which management route, decided by method and path so a new route is covered without
/// being listed: reading (GET, HEAD) is open on a loopback-bound endpoint and needs a read (or admin)
/// token beyond it; anything else changes state and needs an admin token everywhere (the injection API
/// an inject token), with a JSON body. A browser page cannot set the Authorization header or send JSON
/// cross-site without a preflight we never answer, so forged form posts are refused. The health routes
/// stay open for probes and load balancers, but say only "Healthy" or not without a read token; so do the
/// dashboard page's static files (the page reads its data with the token the operator types in).
/// </summary>
public sealed class ManagementAccess(ManagementTokens tokens, bool boundBeyondLoopback) : IMiddleware
{
    /// <summary>HttpContext.Items key: true when the caller may see detail (health check descriptions).</summary>
    public const string DetailAllowed = "actormta.management.detail-allowed";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var scopes = ManagementScope.None;
        if (request.Headers.Authorization.Count > 0)
        {
            scopes = BearerToken(request) is { } token ? tokens.ScopesOf(token) : ManagementScope.None;
            if (scopes == ManagementScope.None)
            {
                await Refuse(context, StatusCodes.Status401Unauthorized, "invalid_token", "the bearer token is not one of this node's management tokens");
                return;
            }
            if (scopes.HasFlag(ManagementScope.Admin)) scopes |= ManagementScope.Read;
        }

        var reading = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        // Health for probes, and routes that show no data (the dashboard's own files; its event stream is a read route like the others).
        var open = request.Path.StartsWithSegments("/health", StringComparison.Ordinal) || context.GetEndpoint()?.Metadata.GetMetadata<OpenToAnyone>() is not null;
        var required = reading
            ? (boundBeyondLoopback && !open ? ManagementScope.Read : ManagementScope.None)
            : request.Path.StartsWithSegments("/api/inject", StringComparison.Ordinal) ? ManagementScope.Inject : ManagementScope.Admin;
        if (required != ManagementScope.None && !scopes.HasFlag(required))
        {
            var name = required.ToString().ToLowerInvariant();
            if (scopes == ManagementScope.None)
                await Refuse(context, StatusCodes.Status401Unauthorized, "invalid_request", $"this route needs a bearer token with the {name} scope (Authorization: Bearer ...)");
            else
                await Refuse(context, StatusCodes.Status403Forbidden, "insufficient_scope", $"this route needs the {name} scope; the token has {scopes.ToString().ToLowerInvariant()}");
            return;
        }
        if (!reading && HasBody(request) && !IsJson(request))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await context.Response.WriteAsJsonAsync(new { error = $"send a JSON body (Content-Type: application/json), not {request.ContentType}" });
            return;
        }
        context.Items[DetailAllowed] = !boundBeyondLoopback || scopes.HasFlag(ManagementScope.Read);
        await next(context);
    }

    private static string? BearerToken(HttpRequest request) =>
        AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
        && string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(header.Parameter)
            ? header.Parameter
            : null;

    private static bool HasBody(HttpRequest request) => request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0 || request.ContentType is not null;

    private static bool IsJson(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType is { } media
        && (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static Task Refuse(HttpContext context, int status, string error, string description)
    {
        context.Response.StatusCode = status;
        // RFC 6750 section 3.
        context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"actormta\", error=\"{error}\"";
        return context.Response.WriteAsJsonAsync(new { error = description });
    }
}
