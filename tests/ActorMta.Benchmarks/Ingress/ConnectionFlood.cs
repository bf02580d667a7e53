using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace ActorMta.Benchmarks.Ingress;

/// <summary>
/// Fault under load: many connections opened and held against a real node in its own process.
/// <code>ulimit -n 20000; dotnet run -c Release --project tests/ActorMta.Benchmarks -- connection-flood [--connections 10000] [--sources 80] [--host PATH]</code>
/// (ops/bench/connection-flood.sh does both.) The flood comes from --sources addresses 127.0.0.2 and up
/// (all of 127/8 is loopback), each connection reading its first reply and, when it is the 220, staying
/// open. The node runs its default limits (max-connections 5000, max-connections-per-client 50), so past
/// them the flood hears 421 (or, when too many turn-aways are pending, a reset). While the flood is held,
/// another client from an address of its own sends a whole message and must get its 250. Reported:
/// accepted, refused by reply, reset, the node's resident memory before, held and after, and that client's result.
/// </summary>
public static class ConnectionFlood
{
    private static readonly IPAddress OtherClient = IPAddress.Parse("127.0.1.1");

    public static async Task<int> RunAsync(string[] options)
    {
        var connections = int.Parse(IdleConnections.Option(options, "--connections") ?? "10000", CultureInfo.InvariantCulture);
        var sources = int.Parse(IdleConnections.Option(options, "--sources") ?? "80", CultureInfo.InvariantCulture);
        var parallel = int.Parse(IdleConnections.Option(options, "--parallel") ?? "200", CultureInfo.InvariantCulture);
        if (sources is < 1 or > 250) throw new ArgumentException("--sources: 1 to 250 (127.0.0.2 to 127.0.0.251)");
        var host = IdleConnections.Option(options, "--host")
            ?? Path.Combine(IdleConnections.RepositoryRoot(), "src", "ActorMta.Host", "bin", "Release", "net10.0", "ActorMta.Host.dll");
        if (!File.Exists(host))
        {
            Console.Error.WriteLine($"build the host first (dotnet build -c Release src/ActorMta.Host): {host} is missing");
            return 2;
        }

        var data = Directory.CreateTempSubdirectory("actormta-flood-").FullName;
        var port = IdleConnections.FreePort();
        // example.org is received here, so the other client (untrusted) may send to it.
        using var node = IdleConnections.StartNode(host, data, port, new Dictionary<string, string> { ["ACTORMTA_ACCEPTED_DOMAINS"] = "example.org" });
        var relay = new IPEndPoint(IPAddress.Loopback, port);
        var held = new List<IdleConnections.Client>();
        try
        {
            await WaitForNodeAsync(relay, node);
            await SendOneMessageAsync(relay, OtherClient); // warm-up
            var before = Resident(node.Id);
            Console.WriteLine($"node pid {node.Id}, relay {relay}: {connections} connections from {sources} addresses, {parallel} at a time");

            var replies = new Dictionary<string, int>();
            var resets = 0;
            var failedToConnect = new Dictionary<string, int>();
            var started = Stopwatch.StartNew();
            foreach (var batch in Enumerable.Range(0, connections).Chunk(parallel))
            {
                var outcomes = await Task.WhenAll(batch.Select(i => OpenAsync(relay, IPAddress.Parse($"127.0.0.{2 + i % sources}"))));
                foreach (var (client, first, error) in outcomes)
                {
                    if (error is not null) failedToConnect[error.Message] = failedToConnect.GetValueOrDefault(error.Message) + 1;
                    else if (first is null) resets++;
                    else replies[first] = replies.GetValueOrDefault(first) + 1;
                    if (first?.StartsWith("220", StringComparison.Ordinal) == true) held.Add(client!);
                    else client?.Close();
                }
            }
            var opening = started.Elapsed;

            // While they are held: another outside client, and an internal sender (trusted, the reserve is its), each send a whole message.
            var other = Stopwatch.StartNew();
            var otherResult = await TrySendOneMessageAsync(relay, OtherClient);
            var otherTime = other.Elapsed;
            var trustedResult = await TrySendOneMessageAsync(relay, IPAddress.Loopback);
            IdleConnections.InducedFullGc(node.Id);
            var whileHeld = Resident(node.Id);
            var stillOpen = await StillOpenAsync(held);

            foreach (var client in held) client.Close();
            held.Clear();
            await WaitForNodeAsync(relay, node);
            var afterClose = await SettledResidentAsync(node.Id);

            Console.WriteLine($"opened {connections} in {opening.TotalSeconds:0.0}s: accepted and held {replies.Where(r => r.Key.StartsWith("220", StringComparison.Ordinal)).Sum(r => r.Value)}, "
                + $"reset without a reply {resets}, connect failed {failedToConnect.Values.Sum()}");
            foreach (var (error, count) in failedToConnect) Console.WriteLine($"  {count,6} x connect failed: {error}");
            foreach (var (reply, count) in replies.OrderByDescending(r => r.Value)) Console.WriteLine($"  {count,6} x {reply}");
            Console.WriteLine($"held connections still open when the other client had finished: {stillOpen}");
            Console.WriteLine($"other client ({OtherClient}) while the flood was held: {otherResult} in {otherTime.TotalMilliseconds:0} ms");
            Console.WriteLine($"trusted client (127.0.0.1) while the flood was held: {trustedResult}");
            Console.WriteLine($"node resident memory: before {before}; flood held (after a full GC) {whileHeld}; after the flood closed {afterClose}");
            // The internal sender must always be served; an outside one only while the flood is below max-connections.
            return trustedResult.StartsWith("250", StringComparison.Ordinal) ? 0 : 1;
        }
        finally
        {
            foreach (var client in held) client.Close();
            if (!node.HasExited)
            {
                using var term = Process.Start("kill", $"-TERM {node.Id}");
                await term!.WaitForExitAsync();
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                try { await node.WaitForExitAsync(stop.Token); }
                catch (OperationCanceledException) { node.Kill(entireProcessTree: true); }
            }
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<(IdleConnections.Client? Client, string? First, Exception? Error)> OpenAsync(IPEndPoint relay, IPAddress from)
    {
        try
        {
            var client = await IdleConnections.Client.OpenAsync(relay, from);
            return (client, await client.FirstLineAsync(), null);
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionReset)
        {
            return (null, null, null); // reset before the connect completed here: turned away without a reply
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or TimeoutException)
        {
            return (null, null, e);
        }
    }

    /// <summary>EHLO, MAIL, RCPT, DATA, the message, QUIT; returns the reply to the final dot.</summary>
    private static async Task<string> TrySendOneMessageAsync(IPEndPoint relay, IPAddress from)
    {
        try
        {
            return await SendOneMessageAsync(relay, from);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return "FAILED: " + e.Message;
        }
    }

    private static async Task<string> SendOneMessageAsync(IPEndPoint relay, IPAddress from)
    {
        var client = await IdleConnections.Client.ConnectAsync(relay, from);
        await client.ExpectAsync("EHLO other.test", "250");
        await client.ExpectAsync("MAIL FROM:<other@example.com>", "250");
        await client.ExpectAsync("RCPT TO:<someone@example.org>", "250");
        await client.ExpectAsync("DATA", "354");
        await client.ExpectAsync("Subject: during the flood\r\n\r\nStill served.\r\n.", "250");
        await client.QuitAsync();
        return "250 queued";
    }

    /// <summary>Every held connection answers a NOOP: the flood was held, not dropped.</summary>
    private static async Task<string> StillOpenAsync(List<IdleConnections.Client> held)
    {
        var open = 0;
        foreach (var batch in held.Chunk(200))
        {
            var answers = await Task.WhenAll(batch.Select(async c =>
            {
                try
                {
                    await c.ExpectAsync("NOOP", "250");
                    return true;
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException)
                {
                    return false;
                }
            }));
            open += answers.Count(a => a);
        }
        return $"{open} of {held.Count}";
    }

    private static async Task WaitForNodeAsync(IPEndPoint relay, Process node)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (await poll.WaitForNextTickAsync())
        {
            if (node.HasExited) throw new InvalidOperationException($"the node exited with {node.ExitCode}");
            try
            {
                var client = await IdleConnections.Client.ConnectAsync(relay, OtherClient);
                await client.QuitAsync();
                return;
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or InvalidOperationException && DateTime.UtcNow < deadline)
            {
                // not listening yet, or still full
            }
        }
    }

    /// <summary>After the flood: a full GC, a few seconds for sessions to end, then resident memory.</summary>
    private static async Task<string> SettledResidentAsync(int pid)
    {
        using var settle = new PeriodicTimer(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 5; i++) await settle.WaitForNextTickAsync();
        IdleConnections.InducedFullGc(pid);
        return Resident(pid);
    }

    private static string Resident(int pid)
    {
        var status = File.ReadLines($"/proc/{pid}/status").ToArray();
        string Field(string name) => status.First(l => l.StartsWith(name + ":", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var fds = Directory.GetFiles($"/proc/{pid}/fd").Length;
        return $"VmRSS {long.Parse(Field("VmRSS"), CultureInfo.InvariantCulture) / 1024} MiB (RssAnon {long.Parse(Field("RssAnon"), CultureInfo.InvariantCulture) / 1024} MiB, {fds} fds)";
    }
}
