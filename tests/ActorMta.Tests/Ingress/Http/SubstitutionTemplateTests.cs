using System.Text.Json;
using ActorMta.Ingress.Http;

namespace ActorMta.Tests.Ingress.Http;

public sealed class SubstitutionTemplateTests
{
    private static Dictionary<string, JsonElement> Vars(object values) =>
        JsonSerializer.SerializeToElement(values).EnumerateObject().ToDictionary(p => p.Name, p => p.Value);

    [Fact]
    public void Replaces_names_with_or_without_blanks_and_renders_json_values_as_text()
    {
        var output = SubstitutionTemplate.Render("Hi {{ name }}, {{age}} {{  vip\t}} {{ none }} {{ tags }}.",
            Vars(new { name = "Ann", age = 42, vip = true, none = (string?)null, tags = new[] { "a" } }));

        Assert.Equal("Hi Ann, 42 true  [\"a\"].", output);
    }

    [Fact]
    public void Other_jinja_syntax_and_lone_braces_stay_literal()
    {
        const string template = "{{ a.b }} {% if x %} {{ x | upper }} {{ 1x }} {{ name } {{";
        Assert.False(SubstitutionTemplate.HasPlaceholders(template));
        Assert.Equal(template, SubstitutionTemplate.Render(template, Vars(new { name = "Ann" })));
    }

    [Fact]
    public void A_value_is_inserted_as_it_is_never_expanded_again()
    {
        var output = SubstitutionTemplate.Render("{{ a }}|{{ b }}", Vars(new { a = "{{ b }}", b = "{{ a }}" }));

        Assert.Equal("{{ b }}|{{ a }}", output);
    }

    [Fact]
    public void An_unknown_name_is_an_error_naming_it_not_an_empty_hole()
    {
        var error = Assert.Throws<SubstitutionTemplate.UnknownVariable>(() => SubstitutionTemplate.Render("Hello {{ first_name }}", Vars(new { name = "Ann" })));

        Assert.Equal("first_name", error.Name);
        Assert.Contains("{{ first_name }}", error.Message);
    }

    [Fact]
    public void Names_are_listed_once_in_order_of_use()
    {
        Assert.Equal(["a", "b_2"], SubstitutionTemplate.Names("{{a}} {{ b_2 }} {{ a }}"));
        Assert.True(SubstitutionTemplate.HasPlaceholders("x {{ _y }}"));
    }
}
