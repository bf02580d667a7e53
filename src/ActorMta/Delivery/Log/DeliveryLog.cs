using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ActorMta.Delivery.Classification;
using Microsoft.Extensions.Logging;
using ActorMta.Contracts;

namespace ActorMta.Delivery.Log;

/// <summary>
/// The accounting file: one JSON object per line per attempt outcome (time, queue id, sender,
/// recipient, domain, MX host and address, TLS, reply code, enhanced code, text, attempt, time in
/// queue, outcome). Lines are queued by the delivery actors and written by one background task,
/// which flushes whenever it has caught up, so the actors never wait for the disk.
/// Optionally each line also goes through the logger category <see cref="Category"/>.
/// The file is opened for appending, so logrotate's copytruncate works. Deferrals and failures are
/// given their bounce class here, off the delivery actors' threads, for the line and the metrics.
/// </summary>
public sealed class DeliveryLog : IAsyncDisposable, IAdminBounceLog
{
    public const string Category = "ActorMta.DeliveryLog";

    private readonly Channel<DeliveryLogEntry> _entries = Channel.CreateUnbounded<DeliveryLogEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly FileStream? _file;
    private readonly ILogger? _logger;
    private readonly BounceClassifier _classifier;
    private readonly Task _writer;

    public DeliveryLog(DeliveryLogSettings settings, ILoggerFactory? loggers, BounceClassifier? classifier = null)
    {
        _classifier = classifier ?? BounceClassifier.Builtin;
        if (settings.File is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous);
        }
        if (settings.ToLogger && loggers is not null) _logger = loggers.CreateLogger(Category);
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>A log that writes nowhere (tests of other things, or both outputs off).</summary>
    public static DeliveryLog None() => new(new DeliveryLogSettings(null, false), null);

    /// <summary>Where permanent failures go with their class (the suppression list's automatic adds); null: nowhere.</summary>
    public HardBounceFeed? HardBounces { get; init; }

    public void Write(DeliveryLogEntry entry) => _entries.Writer.TryWrite(entry);

    /// <summary>An operator's bounce of a waiting recipient: a failed line, class AdminBounce, no attempt made ("admin" as the host).</summary>
    public void AdminBounced(DateTimeOffset at, string queueId, string sender, string recipient, string domain, RemoteReply reply, int attempts, TimeSpan queued) =>
        Write(new DeliveryLogEntry(at, queueId, sender, recipient, domain, null, null, false, reply, attempts, queued, DeliveryOutcome.Failed, "admin", null,
            BounceClass: AdminBounce.Class));

    private async Task WriteAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        while (await _entries.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_entries.Reader.TryRead(out var entry))
            {
                var bounceClass = entry.BounceClass ?? (entry.Outcome is DeliveryOutcome.Deferred or DeliveryOutcome.Failed ? _classifier.Classify(entry.Reply) : null);
                if (entry.Outcome != DeliveryOutcome.Returned) DeliveryMetrics.Attempted(OutcomeName(entry.Outcome), bounceClass ?? "");
                if (entry.Outcome == DeliveryOutcome.Failed) HardBounces?.Failed(entry, bounceClass);
                if (_file is null && _logger is null) continue;
                var start = buffer.WrittenCount;
                json.Reset(buffer);
                Format(json, entry, bounceClass);
                json.Flush();
                _logger?.LogInformation("{DeliveryLogLine}", Encoding.UTF8.GetString(buffer.WrittenSpan[start..]));
                buffer.Write("\n"u8);
                if (buffer.WrittenCount > 48 * 1024) await FlushAsync(buffer).ConfigureAwait(false);
            }
            await FlushAsync(buffer).ConfigureAwait(false);
        }
    }

    private async Task FlushAsync(ArrayBufferWriter<byte> buffer)
    {
        if (_file is not null && buffer.WrittenCount > 0)
        {
            try
            {
                await _file.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
                await _file.FlushAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
                // A full or failing disk must not stop delivery; the logger (if on) still has the lines.
            }
        }
        buffer.ResetWrittenCount();
    }

    public static void Format(Utf8JsonWriter json, DeliveryLogEntry entry, string? bounceClass = null)
    {
        json.WriteStartObject();
        json.WriteString("time", entry.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteString("queueId", entry.QueueId);
        json.WriteString("sender", entry.Sender);
        json.WriteString("recipient", entry.Recipient);
        json.WriteString("domain", entry.Domain);
        json.WriteString("mxHost", entry.MxHost);
        json.WriteString("mxAddress", entry.MxAddress);
        json.WriteBoolean("tls", entry.Tls);
        json.WriteNumber("code", entry.Reply.Code);
        json.WriteString("enhancedCode", entry.Reply.EnhancedCode);
        json.WriteString("text", entry.Reply.Text);
        json.WriteNumber("attempt", entry.Attempt);
        json.WriteNumber("timeInQueueSeconds", Math.Round(entry.TimeInQueue.TotalSeconds, 3));
        json.WriteString("outcome", OutcomeName(entry.Outcome));
        // KumoMTA's bounce classes (delivery/Classification), on deferrals and failures.
        if (bounceClass is not null) json.WriteString("bounceClass", bounceClass);
        json.WriteString("route", entry.Route);
        json.WriteString("source", entry.Source);
        if (entry.Pool is not null) json.WriteString("pool", entry.Pool);
        // Only on lines of requests sent again after their delivery actor was lost: a delivery may be a duplicate.
        if (entry.Redispatch) json.WriteBoolean("redispatch", true);
        if (entry.MtaSts is { } sts)
        {
            json.WriteStartObject("mtaSts");
            json.WriteString("mode", sts.Mode);
            json.WriteString("result", sts.Result);
            // Testing mode: the policy was broken and the mail went anyway.
            if (sts.WouldFail) json.WriteBoolean("wouldFail", true);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static string OutcomeName(DeliveryOutcome outcome) => outcome switch
    {
        DeliveryOutcome.Delivered => "delivered",
        DeliveryOutcome.Failed => "failed",
        DeliveryOutcome.Returned => "returned",
        _ => "deferred",
    };

    /// <summary>Writes what is queued and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        _entries.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        if (_file is not null) await _file.DisposeAsync().ConfigureAwait(false);
    }
}
