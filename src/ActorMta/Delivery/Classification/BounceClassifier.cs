using ActorMta.Configuration;
using ActorMta.Contracts;

namespace ActorMta.Delivery.Classification;

/// <summary>
/// Gives a remote reply (or a reply we made up for a connection that failed) its bounce class: the first
/// rule that matches "CODE ENHANCED TEXT", from the operator's rules files first, then the built-in
/// provider and registry rules. Operators' files are read again when they change; a broken edit keeps
/// the rules last read and is reported.
/// </summary>
public sealed class BounceClassifier : IDisposable
{
    private static readonly Lazy<BounceRules> BuiltinRules = new(() => BounceRules.Concat(
        new[] { "providers.toml", "iana.toml" }.Select(name => BounceRules.Parse(ReadResource(name), "built-in " + name))));

    private readonly BounceClassificationSettings _settings;
    private readonly Action<string>? _reloadFailed;
    private readonly WatchedFiles? _watch;
    private volatile BounceRules _rules;
    private string? _lastError;
    private string _filesSignature = "";

    /// <summary>The built-in rules alone.</summary>
    public static BounceClassifier Builtin { get; } = new(new BounceClassificationSettings([], true, TimeSpan.Zero));

    /// <exception cref="SettingException">An operator's file that cannot be read or compiled.</exception>
    public BounceClassifier(BounceClassificationSettings settings, Action<string>? reloadFailed = null)
    {
        _settings = settings;
        _reloadFailed = reloadFailed;
        try
        {
            _rules = Load();
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new SettingException("actormta.delivery.bounce-classification.files", string.Join(", ", settings.Files), $"readable KumoMTA-style rules files ({e.Message})");
        }
        if (settings.Files.Count > 0) _watch = new WatchedFiles(settings.Files, settings.ReloadCheckEvery, () => Reload());
    }

    /// <summary>The class of a reply, e.g. InvalidRecipient for "550 5.1.1 user unknown".</summary>
    public string Classify(int code, string? enhancedCode, string text)
    {
        var line = enhancedCode is null ? $"{code} {text}" : $"{code} {enhancedCode} {text}";
        line = line.ReplaceLineEndings(" ");
        foreach (var (name, pattern) in _rules.Rules)
            if (pattern.IsMatch(line)) return name;
        return BounceClass.Uncategorized;
    }

    public string Classify(RemoteReply reply) => Classify(reply.Code, reply.EnhancedCode, reply.Text);

    /// <summary>Reads the operator's files again if they changed (the watcher calls it); true if new rules were taken.</summary>
    public bool Reload()
    {
        try
        {
            if (Signature() == _filesSignature) return false;
            _rules = Load();
            _lastError = null;
            return true;
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            if (e.Message != _lastError) _reloadFailed?.Invoke(e.Message);
            _lastError = e.Message;
            return false;
        }
    }

    private string Signature() => string.Join("|", _settings.Files.Select(f => new FileInfo(f)).Select(f => f.Exists ? $"{f.LastWriteTimeUtc.Ticks}:{f.Length}" : "-"));

    private BounceRules Load()
    {
        _filesSignature = Signature();
        var files = _settings.Files.Select(path => BounceRules.Parse(File.ReadAllText(path), path)).ToList();
        if (_settings.Builtin) files.Add(BuiltinRules.Value);
        return BounceRules.Concat(files);
    }

    private static string ReadResource(string name)
    {
        using var stream = typeof(BounceClassifier).Assembly.GetManifestResourceStream($"ActorMta.Delivery.Classification.Rules.{name}")
            ?? throw new InvalidOperationException($"built-in rules {name} missing from the assembly");
        return new StreamReader(stream).ReadToEnd();
    }

    public void Dispose() => _watch?.Dispose();
}

/// <param name="Files">The operator's rules files, read before the built-in ones (their rules win).</param>
/// <param name="Builtin">Whether the built-in provider and registry rules apply after them.</param>
public sealed record BounceClassificationSettings(IReadOnlyList<string> Files, bool Builtin, TimeSpan ReloadCheckEvery)
{
    public static BounceClassificationSettings From(SettingsReader settings, string dataDirectory) => new(
        settings.List("actormta.delivery.bounce-classification.files").Select(f => Path.GetFullPath(f, dataDirectory)).ToArray(),
        settings.Bool("actormta.delivery.bounce-classification.builtin-rules"),
        settings.Duration("actormta.delivery.bounce-classification.reload-check-every"));
}
