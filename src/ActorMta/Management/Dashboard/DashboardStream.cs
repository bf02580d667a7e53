using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;

namespace ActorMta.Management.Dashboard;

/// <summary>
/// GET /api/dashboard/v1/events: a Server-Sent Events stream (text/event-stream) of snapshots, one per
/// interval, as "event: snapshot" with the JSON on one data line. The stream ends when the client goes
/// away or the node stops; at most max-streams are open at once, one more is answered 503.
/// </summary>
public sealed class DashboardStream(DashboardSettings settings, DashboardSnapshots snapshots)
{
    private int _open;

    /// <summary>Streams being served now.</summary>
    public int Open => Volatile.Read(ref _open);

    public async Task ServeAsync(HttpContext context, ActorSystem system, ActorRegistry registry, IHostApplicationLifetime lifetime)
    {
        var response = context.Response;
        if (Interlocked.Increment(ref _open) > settings.MaxStreams)
        {
            Interlocked.Decrement(ref _open);
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.Headers.RetryAfter = "5";
            await response.WriteAsJsonAsync(new { error = $"{settings.MaxStreams} dashboard streams are open on this node (actormta.management.dashboard.max-streams)" });
            return;
        }
        try
        {
            using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            await PushAsync(context, system, registry, ending.Token);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The viewer left or the node is stopping: nothing more to send.
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private async Task PushAsync(HttpContext context, ActorSystem system, ActorRegistry registry, CancellationToken cancellation)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // Tells EventSource-style clients how long to wait before reconnecting.
        await response.WriteAsync($"retry: {(int)Math.Max(1000, settings.Interval.TotalMilliseconds)}\n\n", cancellation);
        using var timer = new PeriodicTimer(settings.Interval);
        do
        {
            string message;
            try
            {
                var snapshot = await snapshots.GetAsync(system, registry).WaitAsync(cancellation);
                message = $"event: snapshot\ndata: {JsonSerializer.Serialize(snapshot, ManagementEndpoints.Json)}\n\n";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A member that did not answer in time: say so and try again next interval.
                message = $"event: problem\ndata: {JsonSerializer.Serialize(new { error = e.Message }, ManagementEndpoints.Json)}\n\n";
            }
            await response.WriteAsync(message, cancellation);
            await response.Body.FlushAsync(cancellation);
        }
        while (await timer.WaitForNextTickAsync(cancellation));
    }
}
