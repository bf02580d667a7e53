using System.Reflection;
using System.Security.Cryptography;
using ActorMta.Management.Access;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace ActorMta.Management.Dashboard;

/// <summary>
/// The live dashboard at /: four static files embedded in this assembly (plain HTML, CSS and two ES modules;
/// no build step, nothing from elsewhere) and the event stream they read. The page holds no data and no
/// secret, so it is served to anyone who can reach the endpoint; the stream is a read route like the others.
/// </summary>
public static class DashboardEndpoints
{
    public const string EventsPath = "/api/dashboard/v1/events";

    /// <summary>Only this origin's files and connections; no inline script or style, no framing.</summary>
    public const string ContentSecurityPolicy = "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private sealed record Asset(byte[] Content, string ContentType, string ETag);

    private static readonly IReadOnlyDictionary<string, Asset> Assets = new Dictionary<string, Asset>(StringComparer.Ordinal)
    {
        ["/"] = Load("index.html", "text/html; charset=utf-8"),
        ["/dashboard.js"] = Load("dashboard.js", "text/javascript; charset=utf-8"),
        ["/dashboard.css"] = Load("dashboard.css", "text/css; charset=utf-8"),
        ["/chart.js"] = Load("chart.js", "text/javascript; charset=utf-8"),
    };

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes, DashboardSettings settings)
    {
        var stream = new DashboardStream(settings, new DashboardSnapshots(settings, TimeProvider.System));
        foreach (var (path, asset) in Assets)
            routes.MapMethods(path, [HttpMethods.Get, HttpMethods.Head], (HttpContext context) => Serve(context, asset)).WithMetadata(OpenToAnyone.Instance);
        routes.MapGet(EventsPath, (HttpContext context, ActorSystem system, ActorRegistry registry, IHostApplicationLifetime lifetime) =>
        {
            Secure(context.Response);
            return stream.ServeAsync(context, system, registry, lifetime);
        });
        return routes;
    }

    private static Task Serve(HttpContext context, Asset asset)
    {
        var response = context.Response;
        Secure(response);
        response.Headers.ETag = asset.ETag;
        response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(asset.Content).AsTask();
    }

    private static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    private static Asset Load(string file, string contentType)
    {
        var name = $"ActorMta.Management.Dashboard.wwwroot.{file}";
        using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the dashboard file {name} is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}");
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        var content = copy.ToArray();
        return new Asset(content, contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 8))}\"");
    }
}
