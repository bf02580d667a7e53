using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace ActorMta.Benchmarks.Ingress;

/// <summary>
/// Memory per idle SMTP connection, measured on a real node in its own process:
/// <code>dotnet run -c Release --project tests/ActorMta.Benchmarks -- idle-connections [--connections 1000] [--tls] [--types] [--host PATH]</code>
/// It starts the built host (Release, default path), warms it up, then opens N connections that
/// each send one message and stay open; then they all QUIT, leaving the N messages queued. In each
/// state it forces a full GC in the node through EventPipe (as dotnet-gcdump does), sums the live
/// managed objects (ClrMD, marking from the GC roots) and reads the process's anonymous resident
/// memory (/proc/PID/status RssAnon). Open minus closed, divided by N, is the managed cost of one
/// idle connection (session actor, socket, pipes); resident memory, which the GC gives back only
/// slowly, is compared with the start and so also holds the N queued messages (and with --tls,
/// OpenSSL's native per-connection state). --types also lists which object types the idle connections added.
/// </summary>
public static class IdleConnections
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] options)
    {
        var connections = int.Parse(Option(options, "--connections") ?? "1000", CultureInfo.InvariantCulture);
        var tls = options.Contains("--tls");
        var types = options.Contains("--types");
        var host = Option(options, "--host") ?? Path.Combine(RepositoryRoot(), "src", "ActorMta.Host", "bin", "Release", "net10.0", "ActorMta.Host.dll");
        if (!File.Exists(host))
        {
            Console.Error.WriteLine($"build the host first (dotnet build -c Release src/ActorMta.Host): {host} is missing");
            return 2;
        }

        var data = Directory.CreateTempSubdirectory("actormta-idle-").FullName;
        var port = FreePort();
        using var node = StartNode(host, data, port);
        var relay = new IPEndPoint(IPAddress.Loopback, port);
        try
        {
            await WaitForGreetingAsync(relay, node);
            Console.WriteLine($"node pid {node.Id}, relay {relay}, {connections} connections{(tls ? " with STARTTLS" : "")}");

            // Warm-up: JIT, pools, queue partitions, TLS; connections closed again.
            for (var round = 0; round < 2; round++)
            {
                var warm = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => OpenWithOneMessageAsync(relay, tls, i)));
                foreach (var client in warm) await client.QuitAsync();
            }

            // Open: N connections, one message each, then idle. Closed: the same N messages queued, no connections.
            // The difference is what the idle connections themselves hold.
            var baseline = Measure(node.Id);
            var open = new List<Client>(connections);
            foreach (var batch in Enumerable.Range(0, connections).Chunk(100))
                open.AddRange(await Task.WhenAll(batch.Select(i => OpenWithOneMessageAsync(relay, tls, i))));
            foreach (var batch in open.Chunk(100)) await Task.WhenAll(batch.Select(c => c.ExpectAsync("NOOP", "250")));
            var withConnections = Measure(node.Id);

            foreach (var batch in open.Chunk(100)) await Task.WhenAll(batch.Select(c => c.QuitAsync()));
            await WaitForSessionsToEndAsync(relay);
            var withoutConnections = Measure(node.Id);
            if (types) HeapByType.PrintGrowth(withoutConnections.Live, withConnections.Live, connections);

            Report("live managed objects, open vs. closed (the connections alone)", withoutConnections.Live.LiveBytes, withConnections.Live.LiveBytes, connections);
            Report("live managed objects, open vs. before (connections and their queued messages)", baseline.Live.LiveBytes, withConnections.Live.LiveBytes, connections);
            // The GC keeps freed memory committed for a while, so resident memory is compared with the start only.
            Report("resident anonymous memory (RssAnon), open vs. before (connections and their queued messages)", baseline.RssAnon, withConnections.RssAnon, connections);
            return 0;
        }
        finally
        {
            if (!node.HasExited)
            {
                using var term = Process.Start("kill", $"-TERM {node.Id}");
                await term.WaitForExitAsync();
                using var stop = new CancellationTokenSource(Deadline);
                try { await node.WaitForExitAsync(stop.Token); }
                catch (OperationCanceledException) { node.Kill(entireProcessTree: true); }
            }
            Directory.Delete(data, recursive: true);
        }
    }

    private static void Report(string what, long reference, long open, int connections) =>
        Console.WriteLine($"{what}: {reference / 1024.0 / 1024:0.0} -> {open / 1024.0 / 1024:0.0} MiB, " +
                          $"{(open - reference) / 1024.0 / 1024:0.00} MiB / {connections} = {(open - reference) / (double)connections / 1024:0.00} KiB per connection");

    /// <summary>Sessions end a moment after their 221 (they drain the socket); one more session that greets and quits comes after them in the listener.</summary>
    private static async Task WaitForSessionsToEndAsync(IPEndPoint relay)
    {
        using var settle = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        for (var i = 0; i < 6 && await settle.WaitForNextTickAsync(); i++)
        {
            var probe = await Client.ConnectAsync(relay);
            await probe.QuitAsync();
        }
    }

    private sealed record Memory(HeapByType Live, long RssAnon);

    /// <summary>A full GC first, so resident memory is not inflated by garbage; then the live objects and RssAnon.</summary>
    private static Memory Measure(int pid)
    {
        InducedFullGc(pid);
        return new Memory(HeapByType.Snapshot(pid), RssAnon(pid));
    }

    /// <summary>Induces a blocking full GC in the node through EventPipe (the GCHeapCollect keyword, as dotnet-gcdump does).</summary>
    internal static void InducedFullGc(int pid)
    {
        var client = new DiagnosticsClient(pid);
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        using var session = client.StartEventPipeSession(new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, keywords), requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        var induced = false;
        var collected = false;
        source.Clr.GCStart += start => induced |= start.Depth == 2 && start.Reason is GCReason.Induced or GCReason.InducedNotForced or GCReason.InducedCompacting;
        source.Clr.GCHeapStats += stats =>
        {
            if (!induced || collected) return;
            collected = true;
            session.Stop();
        };
        source.Process();
        if (!collected) throw new InvalidOperationException("the node reported no induced GC");
    }

    internal static long RssAnon(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("RssAnon:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <param name="environment">More ACTORMTA_* settings for this run.</param>
    internal static Process StartNode(string host, string data, int relayPort, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = data };
        start.ArgumentList.Add(host);
        start.Environment["ACTORMTA_DATA_DIR"] = data;
        start.Environment["ACTORMTA_CLUSTER_PORT"] = "0";
        start.Environment["ACTORMTA_MANAGEMENT_PORT"] = "0";
        start.Environment["ACTORMTA_SMTP_RELAY_PORT"] = relayPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["ACTORMTA_SMTP_SUBMISSION_PORT"] = "0";
        start.Environment["ACTORMTA_SMTP_SMTPS_PORT"] = "0";
        start.Environment["ACTORMTA_DELIVERY_PAUSED"] = "on";
        start.Environment["ACTORMTA_LOG_LEVEL"] = "Warning";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("node: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitForGreetingAsync(IPEndPoint relay, Process node)
    {
        var deadline = DateTime.UtcNow + Deadline;
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (await poll.WaitForNextTickAsync())
        {
            if (node.HasExited) throw new InvalidOperationException($"the node exited with {node.ExitCode}");
            try
            {
                var client = await Client.ConnectAsync(relay);
                await client.QuitAsync();
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                // not listening yet
            }
        }
    }

    private static async Task<Client> OpenWithOneMessageAsync(IPEndPoint relay, bool tls, int number)
    {
        var client = await Client.ConnectAsync(relay);
        await client.ExpectAsync("EHLO load.test", "250");
        if (tls)
        {
            await client.ExpectAsync("STARTTLS", "220");
            await client.StartTlsAsync();
            await client.ExpectAsync("EHLO load.test", "250");
        }
        await client.ExpectAsync("MAIL FROM:<load@example.com>", "250");
        await client.ExpectAsync($"RCPT TO:<r{number}@example.org>", "250");
        await client.ExpectAsync("DATA", "354");
        await client.ExpectAsync($"Subject: idle {number}\r\n\r\nOne message, then the connection idles.\r\n.", "250");
        return client;
    }

    internal static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    internal static string? Option(string[] options, string name)
    {
        var index = Array.IndexOf(options, name);
        return index >= 0 && index + 1 < options.Length ? options[index + 1] : null;
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorMta.sln"))) return dir.FullName;
        throw new InvalidOperationException("ActorMta.sln not found");
    }

    /// <summary>A line-at-a-time SMTP client: enough to hold a connection open.</summary>
    internal sealed class Client
    {
        private readonly Socket _socket;
        private Stream _stream;
        private StreamReader _reader;

        private Client(Socket socket)
        {
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
            _reader = new StreamReader(_stream, Encoding.ASCII);
        }

        public static async Task<Client> ConnectAsync(IPEndPoint server, IPAddress? from = null)
        {
            var client = await OpenAsync(server, from);
            await client.ExpectReplyAsync("220");
            return client;
        }

        /// <summary>Connected from <paramref name="from"/> (any 127.0.0.0/8 address on loopback), greeting not yet read.</summary>
        public static async Task<Client> OpenAsync(IPEndPoint server, IPAddress? from = null)
        {
            var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (from is not null) socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(server);
                return new Client(socket);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        /// <summary>The first line the server sends, or null when it closes or resets first.</summary>
        public async Task<string?> FirstLineAsync()
        {
            try
            {
                return await _reader.ReadLineAsync().WaitAsync(Deadline);
            }
            catch (IOException)
            {
                return null;
            }
        }

        public void Close() => _socket.Dispose();

        public async Task ExpectAsync(string command, string code)
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"));
            await ExpectReplyAsync(code);
        }

        public async Task StartTlsAsync()
        {
            var tls = new SslStream(_stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync("localhost");
            _stream = tls;
            _reader = new StreamReader(tls, Encoding.ASCII);
        }

        public async Task QuitAsync()
        {
            await ExpectAsync("QUIT", "221");
            _socket.Dispose();
        }

        private async Task ExpectReplyAsync(string code)
        {
            while (true)
            {
                var line = await _reader.ReadLineAsync().WaitAsync(Deadline) ?? throw new IOException("connection closed");
                if (!line.StartsWith(code, StringComparison.Ordinal)) throw new InvalidOperationException($"expected {code}, got '{line}'");
                if (line.Length < 4 || line[3] == ' ') return;
            }
        }
    }
}
