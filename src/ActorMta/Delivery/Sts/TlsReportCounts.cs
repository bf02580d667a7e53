using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;

namespace ActorMta.Delivery.Sts;

/// <summary>
/// Answers for this node's <see cref="TlsReportBook"/> at <see cref="Path"/>, so the management API of any node of a
/// fleet can ask every member for its counts and sum them (each node only sees its own sessions).
/// </summary>
public sealed class TlsReportCounts : ReceiveActor
{
    public const string Name = "tls-report-book";

    /// <summary>Where each node runs it (the same path on every member).</summary>
    public static readonly string[] Path = ["user", Name];

    /// <summary>Asks for a domain's counts on a UTC day.</summary>
    public sealed record GetCounts(string Domain, DateOnly Day) : IActorMtaSerializable;

    /// <summary>The answer: this node's rows, one per policy (none: nothing counted).</summary>
    public sealed record Counts(IReadOnlyList<TlsPolicyCounts> Rows) : IActorMtaSerializable;

    public TlsReportCounts(TlsReportBook book) =>
        Receive<GetCounts>(ask => Sender.Tell(new Counts(book.Counts(ask.Domain, ask.Day))));

    public static Props Props(TlsReportBook book) => Akka.Actor.Props.Create(() => new TlsReportCounts(book));
}

/// <summary>The TLS-RPT cluster messages with their stable wire names.</summary>
public static class TlsReportWire
{
    public static readonly IReadOnlyList<(string Name, JsonTypeInfo Info)> Types =
    [
        ("tls-report-get-counts", TlsReportJsonContext.Default.GetCounts),
        ("tls-report-counts", TlsReportJsonContext.Default.Counts),
    ];
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TlsReportCounts.GetCounts))]
[JsonSerializable(typeof(TlsReportCounts.Counts))]
internal sealed partial class TlsReportJsonContext : JsonSerializerContext;
