using ActorMta.Configuration;

namespace ActorMta.Dkim;

/// <summary>
/// What the signer signs with: the settings and every configured selector's key, swapped as one reference
/// (<see cref="DkimReloader"/>), so a message is signed with one consistent pair even while the files change.
/// </summary>
public sealed record DkimSigning(DkimSettings Settings, IReadOnlyDictionary<DkimSelector, DkimKeyFile> Keys)
{
    public static readonly DkimSigning None = new(DkimSettings.None, new Dictionary<DkimSelector, DkimKeyFile>());

    /// <summary>The key files of every configured selector.</summary>
    public IEnumerable<string> KeyFiles => Keys.Keys.Select(s => s.KeyFile).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Reads every configured selector's key; a file whose stamp is that of the key <paramref name="previous"/> holds for
    /// it is not read again. A selector that had a key and whose file does not load now keeps that key (a half-written
    /// file never stops signing; <paramref name="keptPrevious"/> is told why); one that had none makes the settings invalid.
    /// </summary>
    /// <exception cref="SettingException">A new selector's key does not load, naming its key-file setting.</exception>
    public static DkimSigning Load(DkimSettings settings, DkimSigning? previous = null, Action<string>? keptPrevious = null)
    {
        var keys = new Dictionary<DkimSelector, DkimKeyFile>();
        foreach (var selector in settings.Domains.Values.SelectMany(d => d.Selectors).Distinct())
        {
            var held = previous?.Keys.Values.FirstOrDefault(k => k.Selector.KeyFile == selector.KeyFile && k.Selector.Algorithm == selector.Algorithm);
            var stamp = FileStamp.Of(selector.KeyFile);
            if (held is not null && held.Stamp == stamp)
            {
                keys[selector] = held with { Selector = selector };
                continue;
            }
            try
            {
                keys[selector] = DkimKeyFile.Read(selector);
            }
            catch (Exception e) when (DkimKeyFile.IsKeyProblem(e))
            {
                if (held is null) throw SettingException.Conflict($"{selector.Path}.key-file", selector.KeyFile, e.Message);
                keptPrevious?.Invoke($"dkim: key {selector.KeyFile} ({selector.Path}) changed but does not load, still signing with the previous key: {e.Message}");
                // Stamped as seen: the warning is given once, and the file is read again when it changes again.
                keys[selector] = held with { Selector = selector, Stamp = stamp };
            }
        }
        return new DkimSigning(settings, keys);
    }
}
