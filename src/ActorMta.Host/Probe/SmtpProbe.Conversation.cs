using System.Text;

namespace ActorMta.Host.Probe;

/// <summary>The SMTP half of the probe: greeting, EHLO, TLS, AUTH, MAIL, RCPT and DATA or RSET.</summary>
public static partial class SmtpProbe
{
    private const string AppPasswordHint =
        "Gmail and Microsoft 365 refuse the account password once 2-step verification is on: use an app password " +
        "(Google: https://myaccount.google.com/apppasswords; Microsoft 365: an app password, and SMTP AUTH must be enabled for the mailbox by an administrator)";

    private static async Task ConverseAsync(ProbeOptions options, ProbeWire wire, List<ProbeStep> steps)
    {
        if (options.Tls == TlsMode.Implicit) await TlsAsync("tls", options, wire, steps);

        var transcript = new List<string>();
        var greeting = await ExchangeAsync("greeting", transcript, () => wire.ReadReplyAsync(transcript), timedOut:
            $"connected, but no greeting within {options.Timeout.TotalSeconds:0.#}s: the port may expect TLS first (try --tls for 465), or the server delays unknown clients; try a longer --timeout");
        if (greeting.Code != 220)
            Stop("greeting", greeting.ToString(), transcript, greeting.Code >= 500
                ? $"the server refuses this client: {greeting} (is this address on a block list, or does the server serve its own network only?)"
                : $"the server is not ready: {greeting}");
        steps.Add(new ProbeStep("greeting", true, greeting.ToString(), transcript));

        var extensions = await EhloAsync(options, wire, steps, "");
        if (options.Tls == TlsMode.StartTls)
        {
            if (!extensions.Contains("STARTTLS"))
                Stop("starttls", "STARTTLS not offered", [], "the server does not offer STARTTLS on this port: for TLS from the first byte use --tls (port 465); without TLS a password travels in clear text");
            transcript = [];
            var ready = await ExchangeAsync("starttls", transcript, () => wire.CommandAsync("STARTTLS", transcript));
            if (ready.Code != 220) Stop("starttls", ready.ToString(), transcript, $"the server refused STARTTLS: {ready}");
            await TlsAsync("starttls", options, wire, steps, transcript);
            extensions = await EhloAsync(options, wire, steps, " (inside TLS)");
        }

        await AuthAsync(options, wire, steps, extensions);
        if (options.From is null) return;

        transcript = [];
        var mail = await ExchangeAsync("mail", transcript, () => wire.CommandAsync($"MAIL FROM:<{options.From}>", transcript));
        if (mail.Code != 250)
            Stop("mail", mail.ToString(), transcript, mail.Code >= 500
                ? $"the server refuses the sender <{options.From}>: {mail} (with AUTH, many servers let you send only as your own address)"
                : $"the server defers the sender <{options.From}>: {mail}; try again later");
        steps.Add(new ProbeStep("mail", true, mail.ToString(), transcript));
        if (options.To is null) return;

        transcript = [];
        var rcpt = await ExchangeAsync("rcpt", transcript, () => wire.CommandAsync($"RCPT TO:<{options.To}>", transcript));
        if (rcpt.Code is not (250 or 251))
            Stop("rcpt", rcpt.ToString(), transcript, rcpt.Code >= 500
                ? $"the server refuses the recipient <{options.To}>: {rcpt}" + (options.User is null ? " (without AUTH a server takes mail only for its own domains: relaying denied?)" : "")
                : $"the server defers the recipient <{options.To}>: {rcpt} (greylisting answers 4yz the first time; try again in a few minutes)");
        steps.Add(new ProbeStep("rcpt", true, rcpt.ToString(), transcript));

        transcript = [];
        if (!options.Send)
        {
            await ExchangeAsync("data", transcript, () => wire.CommandAsync("RSET", transcript));
            steps.Add(new ProbeStep("data", true, "not sent (no --send): transaction reset", transcript));
            return;
        }
        var go = await ExchangeAsync("data", transcript, () => wire.CommandAsync("DATA", transcript));
        if (go.Code != 354) Stop("data", go.ToString(), transcript, $"the server refused DATA: {go}");
        transcript.Add($" {wire.ToServer} [test message, {TestMessage(options).Length} octets]");
        await wire.WriteAsync(TestMessage(options));
        var done = await ExchangeAsync("data", transcript, () => wire.ReadReplyAsync(transcript));
        if (done.Code != 250) Stop("data", done.ToString(), transcript, $"the server refused the message: {done}");
        steps.Add(new ProbeStep("data", true, $"sent: {done}", transcript));
    }

    private static async Task<HashSet<string>> EhloAsync(ProbeOptions options, ProbeWire wire, List<ProbeStep> steps, string note)
    {
        var transcript = new List<string>();
        var ehlo = await ExchangeAsync("ehlo", transcript, () => wire.CommandAsync($"EHLO {options.EhloName}", transcript));
        if (ehlo.Code != 250) Stop("ehlo", ehlo.ToString(), transcript, $"the server refused EHLO {options.EhloName}: {ehlo}");
        var extensions = ehlo.Lines.Skip(1).Select(l => l.Trim()).ToList();
        steps.Add(new ProbeStep("ehlo", true, $"{ehlo.Lines[0]}{note}; extensions: {string.Join(", ", extensions)}", transcript));
        return extensions.Select(e => e.Split(' ')[0].ToUpperInvariant()).Concat(extensions.Select(e => e.ToUpperInvariant())).ToHashSet();
    }

    private static async Task TlsAsync(string name, ProbeOptions options, ProbeWire wire, List<ProbeStep> steps, List<string>? transcript = null)
    {
        var details = transcript ?? [];
        var (step, ssl) = await ProbeTls.HandshakeAsync(name, wire.Stream, options, details);
        if (ssl is not null) wire.Upgrade(ssl);
        if (!step.Ok) throw new ProbeStopped(step);
        steps.Add(step);
    }

    private static async Task AuthAsync(ProbeOptions options, ProbeWire wire, List<ProbeStep> steps, HashSet<string> extensions)
    {
        var offered = extensions.Where(e => e.StartsWith("AUTH ", StringComparison.Ordinal) || e.StartsWith("AUTH=", StringComparison.Ordinal))
            .SelectMany(e => e[5..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList();
        var list = offered.Count > 0 ? string.Join(" ", offered) : "none";
        if (options.User is null)
        {
            steps.Add(new ProbeStep("auth", true, $"not tried (no --user); mechanisms offered: {list}", []));
            return;
        }
        var transcript = new List<string> { $"mechanisms offered: {list}" };
        ProbeReply reply;
        if (offered.Contains("PLAIN"))
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{options.User}\0{options.Password}"));
            reply = await ExchangeAsync("auth", transcript, () => wire.CommandAsync($"AUTH PLAIN {credentials}", transcript, "AUTH PLAIN [credentials hidden]"));
        }
        else if (offered.Contains("LOGIN"))
        {
            reply = await ExchangeAsync("auth", transcript, () => wire.CommandAsync("AUTH LOGIN", transcript));
            if (reply.Code == 334)
                reply = await ExchangeAsync("auth", transcript, () => wire.CommandAsync(Base64(options.User), transcript, $"[user name {options.User}]"));
            if (reply.Code == 334)
                reply = await ExchangeAsync("auth", transcript, () => wire.CommandAsync(Base64(options.Password!), transcript, "[password hidden]"));
        }
        else
        {
            Stop("auth", $"mechanisms offered: {list}", transcript, offered.Count == 0
                ? "the server offers no AUTH here: it may offer it only on another port (587) or after STARTTLS, or it does not relay for clients at all"
                : $"the server offers neither PLAIN nor LOGIN ({list}), the mechanisms the probe speaks");
            return;
        }
        if (reply.Code == 235)
        {
            steps.Add(new ProbeStep("auth", true, $"authenticated as {options.User} ({reply})", transcript));
            return;
        }
        Stop("auth", reply.ToString(), transcript, reply.Code switch
        {
            454 => $"the server cannot check credentials now ({reply}); try again later",
            >= 500 => $"the server refused the user name or password ({reply}). {AppPasswordHint}",
            _ => $"AUTH did not succeed ({reply}). {AppPasswordHint}",
        });
    }

    /// <summary>One exchange; a silent or closed connection ends the probe at <paramref name="step"/>.</summary>
    private static async Task<ProbeReply> ExchangeAsync(string step, List<string> transcript, Func<Task<ProbeReply>> exchange, string? timedOut = null)
    {
        try
        {
            return await exchange();
        }
        catch (ProbeWireException e)
        {
            var diagnosis = e.TimedOut && timedOut is not null ? timedOut : $"{e.Message} during {step}";
            throw new ProbeStopped(new ProbeStep(step, false, e.TimedOut ? "no answer" : "connection lost", transcript, diagnosis));
        }
    }

    private static void Stop(string step, string summary, List<string> details, string diagnosis) =>
        throw new ProbeStopped(new ProbeStep(step, false, summary, details, diagnosis));

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string TestMessage(ProbeOptions options) =>
        $"From: <{options.From}>\r\nTo: <{options.To}>\r\nSubject: actormta probe test\r\n" +
        $"Date: {DateTimeOffset.UtcNow.ToString("ddd, dd MMM yyyy HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} +0000\r\nMessage-ID: <{Guid.NewGuid():N}@{options.EhloName}>\r\n" +
        "\r\nThis is a test message sent by actormta probe.\r\n.\r\n";
}
