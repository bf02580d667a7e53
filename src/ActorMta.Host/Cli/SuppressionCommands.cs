using System.Text.Json;

namespace ActorMta.Host.Cli;

/// <summary>`actormta suppression add|remove|check|list|summary`: the suppression list through /api/admin/suppression/v1.</summary>
public static class SuppressionCommands
{
    public const string Usage = "usage: suppression add ADDRESS [--scope S] [--reason R] [--duration 30d] | remove ADDRESS [--scope S] | "
        + "check ADDRESS [--sender A] [--user U] | list [--scope S] [--limit N] [--cursor C] | summary";

    private const string Root = "/api/admin/suppression/v1";

    public static Task<ManagementAnswer> SendAsync(CliArguments args, ManagementClient client)
    {
        switch (args.Words.Count > 1 ? args.Words[1] : "")
        {
            case "add":
                args.Allow(3, "--scope", "--reason", "--duration");
                return client.PostAsync(Root, Without(new()
                {
                    ["recipient"] = args.Word(2, "ADDRESS"),
                    ["scope"] = args.Option("--scope"),
                    ["reason"] = args.Option("--reason"),
                    ["duration"] = args.Option("--duration"),
                }));
            case "remove":
                args.Allow(3, "--scope");
                return client.DeleteAsync(Root, Without(new() { ["recipient"] = args.Word(2, "ADDRESS"), ["scope"] = args.Option("--scope") }));
            case "check":
                args.Allow(3, "--sender", "--user");
                return client.GetAsync($"{Root}/check{Query(("recipient", args.Word(2, "ADDRESS")), ("sender", args.Option("--sender")), ("user", args.Option("--user")))}");
            case "list":
                args.Allow(2, "--scope", "--limit", "--cursor");
                return client.GetAsync($"{Root}{Query(("scope", args.Option("--scope")), ("limit", args.Option("--limit")), ("cursor", args.Option("--cursor")))}");
            case "summary":
                args.Allow(2);
                return client.GetAsync($"{Root}/summary");
            default:
                throw new CliFailure(CliExitCodes.Usage, Usage);
        }
    }

    /// <summary>The list as a table, and how to ask for the next page; the rest as the generic tables.</summary>
    public static void Render(CliArguments args, JsonElement json, CliIo io)
    {
        var console = io.Tables();
        if (args.Words[1] == "list" && json.TryGetProperty("entries", out var entries))
        {
            if (entries.GetArrayLength() == 0) io.Out.WriteLine("no entries");
            else console.Write(CliTables.Any(entries));
            if (json.TryGetProperty("next_cursor", out var next) && next.ValueKind == JsonValueKind.String)
                io.Out.WriteLine($"more: suppression list --cursor {next.GetString()}");
            return;
        }
        console.Write(CliTables.Any(json));
    }

    private static Dictionary<string, string?> Without(Dictionary<string, string?> fields) => fields.Where(f => f.Value is not null).ToDictionary();

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToArray();
        return given.Length == 0 ? "" : "?" + string.Join('&', given);
    }
}
