using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ActorMta.Host.Cli;

namespace ActorMta.Host.Probe;

/// <summary>
/// `actormta probe`: the "how do I test my SMTP settings" tool. Runs the steps in swaks' order and stops
/// at the first that fails; the exit code names it (<see cref="ProbeStep.ExitCodeOf"/>).
/// </summary>
public static partial class SmtpProbe
{
    public static async Task<int> RunAsync(CliArguments args, CliIo io)
    {
        var options = ProbeOptions.Parse(args, io.In);
        var steps = new List<ProbeStep>();
        await RunStepsAsync(options, steps);
        var failed = steps.FirstOrDefault(s => !s.Ok);
        var exitCode = failed is null ? 0 : ProbeStep.ExitCodeOf(failed.Name);
        if (args.Json)
            io.Out.WriteLine(JsonSerializer.Serialize(new
            {
                target = $"{options.Host}:{options.Port}",
                ok = failed is null,
                exitCode,
                failedStep = failed?.Name,
                steps = steps.Select(s => new { step = s.Name, ok = s.Ok, summary = s.Summary, details = s.Details, diagnosis = s.Diagnosis }),
            }, CliJson.Indented));
        else
            Print(options, steps, io.Out);
        return exitCode;
    }

    private static void Print(ProbeOptions options, List<ProbeStep> steps, TextWriter output)
    {
        output.WriteLine($"=== probing {options.Host} port {options.Port}");
        foreach (var step in steps)
        {
            output.WriteLine($"{(step.Ok ? " OK  " : "FAIL ")} {step.Name,-9} {step.Summary}");
            foreach (var detail in step.Details) output.WriteLine($"        {detail}");
            if (step.Diagnosis is { } diagnosis) output.WriteLine($"      => {diagnosis}");
        }
        var failed = steps.FirstOrDefault(s => !s.Ok);
        output.WriteLine(failed is null ? "=== every step passed" : $"=== failed at {failed.Name} (exit {ProbeStep.ExitCodeOf(failed.Name)})");
    }

    private static async Task RunStepsAsync(ProbeOptions options, List<ProbeStep> steps)
    {
        var (dns, addresses) = await ProbeDns.ResolveAsync(options);
        steps.Add(dns);
        if (!dns.Ok) return;
        var (connect, socket) = await ConnectAsync(options, addresses);
        steps.Add(connect);
        if (socket is null) return;
        await using var wire = new ProbeWire(new NetworkStream(socket, ownsSocket: true), options.Timeout);
        try
        {
            await ConverseAsync(options, wire, steps);
            await QuitAsync(wire);
        }
        catch (ProbeStopped stopped)
        {
            steps.Add(stopped.Step);
            await QuitAsync(wire);
        }
    }

    private static async Task<(ProbeStep Step, Socket? Socket)> ConnectAsync(ProbeOptions options, IReadOnlyList<IPAddress> addresses)
    {
        var details = new List<string>();
        bool refused = false, timedOut = false;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using var cancel = new CancellationTokenSource(options.Timeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, options.Port), cancel.Token);
                details.Add($"connected to {address} port {options.Port} from {socket.LocalEndPoint}");
                return (new ProbeStep("connect", true, $"connected to {address}:{options.Port}", details), socket);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                details.Add($"{address} port {options.Port}: no answer within {options.Timeout.TotalSeconds:0.#}s");
            }
            catch (SocketException e)
            {
                refused |= e.SocketErrorCode == SocketError.ConnectionRefused;
                details.Add($"{address} port {options.Port}: {e.Message}");
            }
            socket.Dispose();
        }
        var target = $"{options.Host} port {options.Port}";
        var diagnosis = refused
            ? $"{target} refused the connection: nothing listens on that port. Check the port: 25 for server-to-server mail, 587 with --starttls for submission, 465 with --tls"
            : timedOut
                ? $"no answer from {target} within {options.Timeout.TotalSeconds:0.#}s: a firewall drops the connection" +
                  (options.Port == 25 ? ", or this network blocks outgoing port 25 (most home and cloud networks do): try 587 with --starttls" : "")
                : $"cannot connect to {target}: the network or host is unreachable";
        return (new ProbeStep("connect", false, "no connection", details, diagnosis), null);
    }

    private static async Task QuitAsync(ProbeWire wire)
    {
        try { await wire.CommandAsync("QUIT", []); }
        catch (Exception e) when (e is ProbeWireException or IOException or ObjectDisposedException) { /* the probe's verdict is already made */ }
    }
}
