using System.Collections.Immutable;
using System.Globalization;

namespace ActorMta.Delivery.Sts;

/// <summary>RFC 8461 3.2 policy modes.</summary>
public enum StsMode
{
    None,
    Testing,
    Enforce,
}

/// <summary>
/// A domain's MTA-STS policy (RFC 8461 3.2), parsed strictly: "version: STSv1" first, a known mode, a max_age of
/// at most 10 digits and 31557600 seconds, and at least one valid mx pattern unless the mode is none. Unknown keys are
/// ignored; a repeated key other than mx keeps its first value (RFC 8461 3.2).
/// </summary>
/// <param name="Text">The policy as served (normalized to CRLF lines), for TLS-RPT's policy-string.</param>
public sealed record MtaStsPolicy(StsMode Mode, ImmutableArray<string> MxPatterns, TimeSpan MaxAge, string Text)
{
    /// <summary>RFC 8461 3.2: max_age is at most 31557600 seconds (about a year).</summary>
    public const long MaxAgeLimit = 31_557_600;

    public string ModeName => ModeNameOf(Mode);

    public static string ModeNameOf(StsMode mode) => mode switch
    {
        StsMode.Enforce => "enforce",
        StsMode.Testing => "testing",
        _ => "none",
    };

    /// <summary>The policy, or null with <paramref name="error"/> saying why the text is not a valid policy.</summary>
    public static MtaStsPolicy? Parse(string text, out string error)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')
            .Select(l => l.TrimEnd(' ', '\t'))
            .Where(l => l.Length > 0)
            .ToArray();
        string? version = null, mode = null, maxAge = null;
        var mx = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                error = $"line {i + 1} is not \"key: value\"";
                return null;
            }
            var key = lines[i][..colon];
            var value = lines[i][(colon + 1)..].TrimStart(' ', '\t');
            switch (key)
            {
                case "version" when i != 0:
                    error = "version must be the first field";
                    return null;
                case "version":
                    version = value;
                    break;
                case "mode":
                    mode ??= value;
                    break;
                case "max_age":
                    maxAge ??= value;
                    break;
                case "mx":
                    if (!MxPattern.IsValid(value))
                    {
                        error = $"mx \"{value}\" is not a host name or *.host name";
                        return null;
                    }
                    mx.Add(MxPattern.Normalize(value));
                    break;
            }
        }
        if (version != "STSv1")
        {
            error = version is null ? "no version field (STSv1)" : $"version \"{version}\" is not STSv1";
            return null;
        }
        StsMode? parsedMode = mode switch { "enforce" => StsMode.Enforce, "testing" => StsMode.Testing, "none" => StsMode.None, _ => null };
        if (parsedMode is null)
        {
            error = mode is null ? "no mode field" : $"mode \"{mode}\" is not enforce, testing or none";
            return null;
        }
        var seconds = maxAge is { Length: > 0 and <= 10 } && maxAge.All(char.IsAsciiDigit) ? long.Parse(maxAge, CultureInfo.InvariantCulture) : -1;
        if (seconds is < 0 or > MaxAgeLimit)
        {
            error = maxAge is null ? "no max_age field" : $"max_age \"{maxAge}\" is not a number of seconds up to {MaxAgeLimit}";
            return null;
        }
        if (mx.Count == 0 && parsedMode != StsMode.None)
        {
            error = "no mx field (required unless mode is none)";
            return null;
        }
        error = "";
        return new MtaStsPolicy(parsedMode.Value, mx.ToImmutable(), TimeSpan.FromSeconds(seconds), string.Join("\r\n", lines));
    }

    /// <summary>True when <paramref name="host"/> matches one of the policy's mx patterns (RFC 8461 4.1).</summary>
    public bool AllowsMx(string host) => MxPatterns.Any(p => MxPattern.Matches(p, host));
}
