using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ActorMta.Contracts;

namespace ActorMta.Suppression;

/// <summary>The suppression list's journal events, snapshot and cluster messages, with their stable wire names.</summary>
public static class SuppressionWire
{
    public static readonly IReadOnlyList<(string Name, JsonTypeInfo Info)> Types =
    [
        ("suppression-added", SuppressionJsonContext.Default.SuppressionAdded),
        ("suppression-removed", SuppressionJsonContext.Default.SuppressionRemoved),
        ("suppression-snapshot", SuppressionJsonContext.Default.SuppressionSnapshot),
        ("suppress-recipients", SuppressionJsonContext.Default.SuppressRecipients),
        ("recipients-suppressed", SuppressionJsonContext.Default.RecipientsSuppressed),
        ("check-suppression", SuppressionJsonContext.Default.CheckSuppression),
        ("suppression-verdict", SuppressionJsonContext.Default.SuppressionVerdict),
        ("suppression-wake", SuppressionJsonContext.Default.Wake),
        ("suppression-remove", SuppressionJsonContext.Default.Remove),
        ("suppression-removed-count", SuppressionJsonContext.Default.Removed),
        ("suppression-list", SuppressionJsonContext.Default.List),
        ("suppression-page", SuppressionJsonContext.Default.Page),
        ("suppression-get-summary", SuppressionJsonContext.Default.GetSummary),
        ("suppression-summary", SuppressionJsonContext.Default.Summary),
    ];
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SuppressionAdded))]
[JsonSerializable(typeof(SuppressionRemoved))]
[JsonSerializable(typeof(SuppressionSnapshot))]
[JsonSerializable(typeof(SuppressRecipients))]
[JsonSerializable(typeof(RecipientsSuppressed))]
[JsonSerializable(typeof(CheckSuppression))]
[JsonSerializable(typeof(SuppressionVerdict))]
[JsonSerializable(typeof(SuppressionShard.Wake))]
[JsonSerializable(typeof(SuppressionShard.Remove))]
[JsonSerializable(typeof(SuppressionShard.Removed))]
[JsonSerializable(typeof(SuppressionShard.List))]
[JsonSerializable(typeof(SuppressionShard.Page))]
[JsonSerializable(typeof(SuppressionShard.GetSummary))]
[JsonSerializable(typeof(SuppressionShard.Summary))]
internal sealed partial class SuppressionJsonContext : JsonSerializerContext;
