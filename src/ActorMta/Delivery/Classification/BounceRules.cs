using System.Text.RegularExpressions;
using Tomlyn;
using Tomlyn.Model;

namespace ActorMta.Delivery.Classification;

/// <summary>
/// Ordered bounce classification rules from KumoMTA-shaped TOML: <c>[rules] Class = ["regex", ...]</c>.
/// Regexes run non-backtracking, so a rule cannot make classification slow whatever the reply says.
/// </summary>
public sealed class BounceRules
{
    private BounceRules(IReadOnlyList<(string Class, Regex Pattern)> rules) => Rules = rules;

    public IReadOnlyList<(string Class, Regex Pattern)> Rules { get; }

    /// <exception cref="FormatException">Not TOML of that shape, or a regex that does not compile; the message says where.</exception>
    public static BounceRules Parse(string toml, string source)
    {
        TomlTable document;
        try
        {
            document = TomlSerializer.Deserialize<TomlTable>(toml) ?? new TomlTable();
        }
        catch (TomlException e)
        {
            throw new FormatException($"{source}: {e.Message.Split('\n')[0]}");
        }
        if (!document.TryGetValue("rules", out var value) || value is not TomlTable table)
            throw new FormatException($"{source}: no [rules] table");
        var rules = new List<(string, Regex)>();
        foreach (var (name, patterns) in table)
        {
            if (patterns is not TomlArray array) throw new FormatException($"{source}: rules.{name} is not an array of regexes");
            foreach (var pattern in array)
            {
                if (pattern is not string text) throw new FormatException($"{source}: rules.{name} holds {pattern} (not a string)");
                try
                {
                    rules.Add((name, new Regex(text, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)));
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException)
                {
                    throw new FormatException($"{source}: rules.{name} \"{text}\": {e.Message}");
                }
            }
        }
        return new BounceRules(rules);
    }

    public static BounceRules Concat(IEnumerable<BounceRules> files) => new([.. files.SelectMany(f => f.Rules)]);
}
