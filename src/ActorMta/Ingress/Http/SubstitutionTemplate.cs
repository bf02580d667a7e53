using System.Text;
using System.Text.Json;

namespace ActorMta.Ingress.Http;

/// <summary>
/// The injection API's templates: <c>{{ name }}</c> (blanks inside the braces optional, name = letter or '_'
/// then letters, digits, '_') is replaced by the value of that variable; anything else, including other
/// Jinja syntax (<c>{{ a.b }}</c>, <c>{% if %}</c>), is literal text. One pass: a value that itself contains
/// <c>{{ x }}</c> is inserted as it is, never expanded (no recursion, no code runs). A name with no value
/// is an error (<see cref="UnknownVariable"/>) rather than an empty hole in mail sent to many people.
/// </summary>
public static class SubstitutionTemplate
{
    /// <summary>A name the template uses that the recipient has no value for.</summary>
    public sealed class UnknownVariable(string name) : Exception($"the template uses {{{{ {name} }}}}, which has no value for this recipient")
    {
        public string Name { get; } = name;
    }

    /// <summary>Whether <paramref name="template"/> has any placeholder at all (if not, every recipient gets the same text).</summary>
    public static bool HasPlaceholders(string template)
    {
        for (var start = template.IndexOf("{{", StringComparison.Ordinal); start >= 0; start = template.IndexOf("{{", start + 2, StringComparison.Ordinal))
            if (TryPlaceholder(template, start, out _, out _)) return true;
        return false;
    }

    /// <summary>The names the template uses, in order of first use.</summary>
    public static IReadOnlyList<string> Names(string template)
    {
        var names = new List<string>();
        for (var start = template.IndexOf("{{", StringComparison.Ordinal); start >= 0; start = template.IndexOf("{{", start + 2, StringComparison.Ordinal))
            if (TryPlaceholder(template, start, out var name, out _) && !names.Contains(name)) names.Add(name);
        return names;
    }

    /// <exception cref="UnknownVariable">A placeholder names a variable not in <paramref name="variables"/>.</exception>
    public static string Render(string template, IReadOnlyDictionary<string, JsonElement> variables)
    {
        var start = template.IndexOf("{{", StringComparison.Ordinal);
        if (start < 0) return template;
        var output = new StringBuilder(template.Length + 64);
        var copied = 0;
        for (; start >= 0; start = template.IndexOf("{{", start + 2, StringComparison.Ordinal))
        {
            if (!TryPlaceholder(template, start, out var name, out var end)) continue;
            if (!variables.TryGetValue(name, out var value)) throw new UnknownVariable(name);
            output.Append(template, copied, start - copied).Append(Text(value));
            copied = end;
            start = end - 2;
        }
        return output.Append(template, copied, template.Length - copied).ToString();
    }

    /// <summary>A value as text: a string as it is, null as nothing, numbers and booleans as JSON writes them, objects and arrays as JSON.</summary>
    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    };

    /// <summary>"{{", blanks, a name, blanks, "}}" at <paramref name="start"/>; <paramref name="end"/> is just past it.</summary>
    private static bool TryPlaceholder(string text, int start, out string name, out int end)
    {
        name = "";
        end = 0;
        var i = start + 2;
        while (i < text.Length && text[i] is ' ' or '\t') i++;
        var nameStart = i;
        if (i >= text.Length || !(char.IsAsciiLetter(text[i]) || text[i] == '_')) return false;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
        var nameEnd = i;
        while (i < text.Length && text[i] is ' ' or '\t') i++;
        if (i + 1 >= text.Length || text[i] != '}' || text[i + 1] != '}') return false;
        name = text[nameStart..nameEnd];
        end = i + 2;
        return true;
    }
}
