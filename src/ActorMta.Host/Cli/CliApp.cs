using System.Text.Json;
using Spectre.Console;
using ActorMta.Host.Probe;

namespace ActorMta.Host.Cli;

/// <summary>
/// `actormta COMMAND ...`: the operator's commands against a node's management endpoint, and the SMTP probe.
/// Every failure is one plain line on stderr and an exit code (<see cref="CliExitCodes"/>), never a stack trace.
/// </summary>
public static class CliApp
{
    public static readonly IReadOnlySet<string> Commands = new HashSet<string>(StringComparer.Ordinal)
        { "queue", "domains", "egress", "suspend", "resume", "bounce", "retry", "message", "cluster", "inject", "probe", "dkim", "suppression" };

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliIo io)
    {
        try
        {
            var parsed = CliArguments.Parse(args);
            if (parsed.Help)
            {
                io.Out.WriteLine(parsed.Words is ["probe", ..] ? ProbeUsage.Text : CliUsage.Text);
                return CliExitCodes.Ok;
            }
            return parsed.Words[0] switch
            {
                "probe" => await SmtpProbe.RunAsync(parsed, io),
                "dkim" => DkimCommands.Run(parsed, io),
                _ => await ManagementCommands.RunAsync(parsed, io),
            };
        }
        catch (CliFailure e)
        {
            io.Error.WriteLine($"actormta: {e.Message}");
            return e.ExitCode;
        }
    }
}

/// <summary>The commands that talk to the management endpoint.</summary>
public static class ManagementCommands
{
    public static async Task<int> RunAsync(CliArguments args, CliIo io)
    {
        var command = string.Join(' ', args.Words.Take(2));
        var client = CliConnection.From(args, io);
        ManagementAnswer answer;
        var partial = false;
        try
        {
            answer = await SendAsync(args, client);
        }
        catch (PartialAnswer p)
        {
            answer = p.Answer;
            partial = true;
        }
        if (answer.Json.ValueKind == JsonValueKind.Undefined)
            io.Out.WriteLine(args.Json ? "{}" : $"done (HTTP {answer.Status})"); // a success without a JSON body
        else if (args.Json)
            io.WriteJson(answer.Json);
        else
            Render(args, answer.Json, io);
        if (!partial) return CliExitCodes.Ok;
        io.Error.WriteLine($"actormta: only part of the fleet answered {command} (HTTP 503); the unanswered nodes or partitions are listed");
        return CliExitCodes.NodeError;
    }

    private static Task<ManagementAnswer> SendAsync(CliArguments args, ManagementClient client)
    {
        switch (args.Words[0])
        {
            case "queue":
                args.Allow(1);
                return client.GetAsync("/queue");
            case "domains":
                args.Allow(1);
                return client.GetAsync("/delivery/domains");
            case "egress":
                args.Allow(1);
                return client.GetAsync("/api/admin/egress/v1");
            case "suspend":
                args.Allow(2, "--for", "--reason");
                return client.PostAsync($"/delivery/domains/{Escape(args.Word(1, "DOMAIN"))}/suspend",
                    new { @for = ValidDuration(args.Option("--for") ?? "1h", "--for"), reason = args.Option("--reason") });
            case "resume":
                args.Allow(2);
                return client.PostAsync($"/delivery/domains/{Escape(args.Word(1, "DOMAIN"))}/resume", null);
            case "bounce" when args.Words is [_, "list", ..]:
                args.Allow(2);
                return client.GetAsync("/api/admin/bounce/v1");
            case "bounce" when args.Words is [_, "cancel", ..]:
                args.Allow(3);
                return client.DeleteAsync("/api/admin/bounce/v1", new { id = args.Word(2, "ID") });
            case "bounce":
                args.Allow(1, "--domain", "--queue-id", "--reason", "--duration");
                RequireTarget(args);
                return client.PostAsync("/api/admin/bounce/v1", new Dictionary<string, string?>
                {
                    ["domain"] = args.Option("--domain"),
                    ["queue_id"] = args.Option("--queue-id"),
                    ["reason"] = args.Option("--reason") ?? throw new CliFailure(CliExitCodes.Usage, "bounce needs --reason (it goes into every DSN)"),
                    ["duration"] = args.Option("--duration") is { } d ? ValidDuration(d, "--duration") : null,
                }.Where(p => p.Value is not null).ToDictionary());
            case "retry":
                args.Allow(1, "--domain", "--queue-id");
                RequireTarget(args);
                return client.PostAsync("/api/admin/retry/v1", new Dictionary<string, string?>
                {
                    ["domain"] = args.Option("--domain"),
                    ["queue_id"] = args.Option("--queue-id"),
                }.Where(p => p.Value is not null).ToDictionary());
            case "inject":
                args.Allow(2, "--from", "--to");
                return client.PostAsync("/api/inject/v1", InjectRequest(args));
            case "message" when args.Words is [_, "show", ..]:
                args.Allow(3);
                return client.GetAsync($"/api/admin/inspect-message/v1?id={Uri.EscapeDataString(args.Word(2, "ID"))}&want_body=false");
            case "cluster" when args.Words is [_, "members", ..]:
                args.Allow(2);
                return client.GetAsync("/cluster/members");
            case "cluster" when args.Words is [_, "leave", ..]:
                args.Allow(3);
                return client.PostAsync($"/cluster/members/{Escape(args.Word(2, "ADDRESS"))}/leave", null);
            case "suppression":
                return SuppressionCommands.SendAsync(args, client);
            case "message":
                throw new CliFailure(CliExitCodes.Usage, "usage: message show ID");
            case "cluster":
                throw new CliFailure(CliExitCodes.Usage, "usage: cluster members | cluster leave ADDRESS");
            default:
                throw new CliFailure(CliExitCodes.Usage, $"unknown command '{args.Words[0]}' (see --help)");
        }
    }

    private static void Render(CliArguments args, JsonElement json, CliIo io)
    {
        var console = io.Tables();
        switch (args.Words[0])
        {
            case "queue":
                console.Write(CliTables.Queue(json));
                io.Out.WriteLine(CliTables.QueueSummary(json));
                break;
            case "domains" when json.TryGetProperty("domains", out var domains):
                console.Write(CliTables.Domains(domains.EnumerateArray()));
                foreach (var line in CliTables.LimitSources(domains.EnumerateArray())) io.Out.WriteLine(line);
                if (json.TryGetProperty("unansweredNodes", out var missing) && missing.GetArrayLength() > 0)
                    io.Out.WriteLine($"not answered: {string.Join(", ", missing.EnumerateArray())}");
                break;
            case "egress":
                console.Write(CliTables.Egress(json));
                break;
            case "suspend" or "resume":
                console.Write(CliTables.Domains([json]));
                break;
            case "suppression":
                SuppressionCommands.Render(args, json, io);
                break;
            case "cluster" when args.Words[1] == "members":
                console.Write(CliTables.Members(json));
                break;
            default:
                console.Write(CliTables.Any(json));
                break;
        }
        console.WriteLine();
    }

    /// <summary>inject FILE --from S --to R[,R...]: the file as the raw message, as POST /api/inject/v1 takes it.</summary>
    private static object InjectRequest(CliArguments args)
    {
        var file = args.Word(1, "FILE");
        var sender = args.Option("--from") ?? throw new CliFailure(CliExitCodes.Usage, "inject needs --from ADDRESS (the envelope sender)");
        var recipients = (args.Option("--to") ?? throw new CliFailure(CliExitCodes.Usage, "inject needs --to ADDRESS[,ADDRESS...]"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string content;
        try
        {
            content = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliFailure(CliExitCodes.Usage, $"cannot read the message file {file}: {e.Message}");
        }
        return new { envelope_sender = sender, content, recipients = recipients.Select(r => new { email = r }) };
    }

    /// <summary>bounce and retry act on a domain or one message, and say which.</summary>
    private static void RequireTarget(CliArguments args)
    {
        if (args.Option("--domain") is null && args.Option("--queue-id") is null)
            throw new CliFailure(CliExitCodes.Usage, $"{args.Words[0]} needs --domain DOMAIN or --queue-id ID");
    }

    private static string ValidDuration(string text, string what)
    {
        Duration.Parse(text, what);
        return text.Trim();
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}
