using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ActorMta.IntegrationTests.Cli;
using ActorMta.IntegrationTests.Delivery;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Dns;
using ActorMta.TestSupport.Smtp;
using DnsClient;
using MimeKit;
using MimeKit.Cryptography;

namespace ActorMta.IntegrationTests.Dkim;

/// <summary>
/// One node that signs for rsa.test (rsa-sha256), ed.test (ed25519-sha256), rotate.test and switch.test (two selectors), with keys
/// made by `actormta dkim keygen` and their TXT records served by the loopback DNS server. example.test's MX is a sink
/// that offers 8BITMIME; seven.test routes to one that does not.
/// </summary>
public sealed class DkimNode : IAsyncLifetime
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly LoopbackDnsServer _dns = LoopbackDnsServer.Start();
    private readonly TempDirectory _keys = new();
    private DeliveryNode? _node;

    public TestSmtpSink Sink { get; } = TestSmtpSink.Start();
    public TestSmtpSink SevenBitSink { get; } = TestSmtpSink.Start(new TestSmtpSinkOptions { EightBitMime = false, SmtpUtf8 = false, Chunking = false });
    internal DeliveryNode Node => _node!;
    public string KeyDirectory => _keys.Path;

    public async Task InitializeAsync()
    {
        _dns.Zone("example.test").Mx("example.test", 10, "mx.example.test").A("mx.example.test", "127.0.0.1");
        foreach (var zone in new[] { "rsa.test", "ed.test", "rotate.test", "switch.test" }) _dns.Zone(zone);
        await KeygenAsync("rsa.test", "s2048", "rsa-sha256");
        await KeygenAsync("ed.test", "e1", "ed25519-sha256");
        await KeygenAsync("rotate.test", "old", "ed25519-sha256");
        await KeygenAsync("switch.test", "s1", "ed25519-sha256");
        await KeygenAsync("switch.test", "s2", "rsa-sha256");
        _node = await DeliveryNode.StartAsync($$"""
            actormta.delivery { mx-port = {{Sink.Port}}, allow-private-destinations = on }
            actormta.delivery.domains { "seven.test" { route = static, hosts = ["127.0.0.1:{{SevenBitSink.Port}}"], tls = none } }
            actormta.smtp.spool-threshold = 64KiB
            actormta.queue.accept-timeout = 60s
            actormta.dkim.domains {
              "rsa.test" { selectors { s2048 { key-file = {{Hocon("rsa.test.s2048.pem")}}, algorithm = rsa-sha256 } } }
              "ed.test" { selectors { e1 { key-file = {{Hocon("ed.test.e1.pem")}}, algorithm = ed25519-sha256 } } }
              "rotate.test" { active = old, selectors { old { key-file = {{Hocon("rotate.test.old.pem")}}, algorithm = ed25519-sha256 } } }
              "switch.test" { active = s1, selectors {
                s1 { key-file = {{Hocon("switch.test.s1.pem")}}, algorithm = ed25519-sha256 }
                s2 { key-file = {{Hocon("switch.test.s2.pem")}}, algorithm = rsa-sha256 } } }
            }
            """, new Dictionary<string, string>
            {
                ["ACTORMTA_DNS_SERVERS"] = _dns.EndPoint.ToString(),
                ["ACTORMTA_MANAGEMENT_INJECT_TOKENS"] = TestTokens.Inject,
            });
        // The tests start once the node takes mail (its partitions may still be starting on a loaded machine).
        await Eventually.Returns(() => SubmitAsync("warm-up@other.test", "warm-up@example.test", Message("warm-up@other.test", "warm-up@example.test", "warm-up", "x")),
            r => r.Code == 250, TimeSpan.FromSeconds(120), "the node accepts mail");
    }

    /// <summary>Edits the node's --config file as an operator's tool would: a new file moved over the old one.</summary>
    public void RewriteConfig(string from, string to)
    {
        var file = Path.Combine(Node.DataDirectory, "node.conf");
        var text = File.ReadAllText(file);
        Assert.Contains(from, text);
        File.WriteAllText(file + ".new", text.Replace(from, to, StringComparison.Ordinal));
        File.Move(file + ".new", file, overwrite: true);
    }

    private string Hocon(string file) => ActorMta.Configuration.Hocon.Quote(Path.Combine(_keys.Path, file));

    /// <summary>Runs `actormta dkim keygen` into <paramref name="directory"/> (the key folder by default) and publishes the TXT record it printed.</summary>
    public async Task KeygenAsync(string domain, string selector, string algorithm, string? directory = null)
    {
        var run = await CliRun.RunAsync(new Dictionary<string, string?>(), "dkim", "keygen", domain, selector, "--algorithm", algorithm, "--out", directory ?? _keys.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        var name = $"{selector}._domainkey.{domain}";
        _dns.Forget(name).Txt(name, TxtText(run.Out));
    }

    /// <summary>The record's text from a zone-file line: its quoted strings joined.</summary>
    public static string TxtText(string zoneLine) =>
        string.Concat(zoneLine.Trim().Split('"').Where((_, i) => i % 2 == 1));

    /// <summary>Verifies every DKIM-Signature of <paramref name="body"/> with MimeKit, keys looked up in the loopback DNS.</summary>
    public async Task<bool> VerifyAsync(byte[] body)
    {
        var message = MimeMessage.Load(new MemoryStream(body));
        var signatures = message.Headers.Where(h => h.Id == HeaderId.DkimSignature).ToArray();
        if (signatures.Length == 0) return false;
        var verifier = new DkimVerifier(new LoopbackKeyLocator(_dns.EndPoint));
        verifier.Enable(DkimSignatureAlgorithm.Ed25519Sha256);
        foreach (var signature in signatures)
            if (!await verifier.VerifyAsync(message, signature)) return false;
        return true;
    }

    /// <summary>Keeps a received message and its key's TXT record for the second verifier (ops/dkim/verify.py) when DKIM_SAVE_DIR is set.</summary>
    public async Task SaveAsync(string name, byte[] body)
    {
        if (Environment.GetEnvironmentVariable("DKIM_SAVE_DIR") is not { Length: > 0 } directory) return;
        Directory.CreateDirectory(directory);
        await File.WriteAllBytesAsync(Path.Combine(directory, name + ".eml"), body);
        var tag = MimeMessage.Load(new MemoryStream(body)).Headers[HeaderId.DkimSignature] ?? throw new InvalidOperationException("not signed");
        var fields = tag.Split(';').Select(p => p.Trim().Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        var client = new LookupClient(new LookupClientOptions(_dns.EndPoint) { UseCache = false });
        var txt = (await client.QueryAsync($"{fields["s"]}._domainkey.{fields["d"]}", QueryType.TXT)).Answers.TxtRecords().Single();
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".txt"), string.Concat(txt.Text) + "\n");
    }

    public async Task<ReceivedMessage> WaitForAsync(TestSmtpSink sink, string recipient)
    {
        await sink.WaitUntilAsync(s => s.Messages.Any(m => m.Recipients.Any(r => r.Address == recipient)), TimeSpan.FromSeconds(60), $"a message to {recipient}");
        return sink.Messages.First(m => m.Recipients.Any(r => r.Address == recipient));
    }

    public async Task<SubmissionResult> SubmitAsync(string from, string recipient, string body)
    {
        await using var submitter = await SmtpSubmitter.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Node.RelayPort));
        return await submitter.SendAsync(from, [recipient], body);
    }

    /// <summary>POST /api/inject/v1 with the inject token.</summary>
    public async Task<(HttpStatusCode Status, string Body)> InjectAsync(object request)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(Node.Node.ManagementUri, "/api/inject/v1")) { Content = JsonContent.Create(request) };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Inject);
        using var response = await Http.SendAsync(post);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static string Message(string from, string to, string subject, string text, bool eightBit = false) =>
        $"From: Sender <{from}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nDate: Sun, 06 Dec 2026 12:00:00 +0000\r\nMessage-ID: <{Guid.NewGuid():N}@test>\r\nMIME-Version: 1.0\r\n"
        + $"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: {(eightBit ? "8bit" : "7bit")}\r\n\r\n{text}\r\n";

    public async Task DisposeAsync()
    {
        if (_node is not null) await _node.DisposeAsync();
        await Sink.DisposeAsync();
        await SevenBitSink.DisposeAsync();
        _dns.Dispose();
        _keys.Dispose();
    }

    /// <summary>MimeKit's key lookup, asking the test's DNS server for SELECTOR._domainkey.DOMAIN TXT.</summary>
    private sealed class LoopbackKeyLocator(IPEndPoint dns) : DkimPublicKeyLocatorBase
    {
        private readonly LookupClient _client = new(new LookupClientOptions(dns) { UseCache = false });

        public override Org.BouncyCastle.Crypto.AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            LocatePublicKeyAsync(methods, domain, selector, cancellationToken).GetAwaiter().GetResult();

        public override async Task<Org.BouncyCastle.Crypto.AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
        {
            var answer = await _client.QueryAsync($"{selector}._domainkey.{domain}", QueryType.TXT, cancellationToken: cancellationToken);
            var record = answer.Answers.TxtRecords().FirstOrDefault() ?? throw new InvalidOperationException($"no TXT record for {selector}._domainkey.{domain}");
            return GetPublicKey(string.Concat(record.Text));
        }
    }
}
