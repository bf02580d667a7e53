namespace ActorMta.Delivery.Log;

/// <param name="File">Full path of the JSON-lines file; null: no file.</param>
/// <param name="ToLogger">Also write every line through the logger category <see cref="DeliveryLog.Category"/>.</param>
/// <param name="Classification">The bounce classification rules the lines and metrics use; null: the built-in ones.</param>
public sealed record DeliveryLogSettings(string? File, bool ToLogger, Classification.BounceClassificationSettings? Classification = null);
