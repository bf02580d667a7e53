using Xunit.Abstractions;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Dns;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.IntegrationTests.Cli;

/// <summary>`actormta probe` against real loopback peers: each step's verdict, its diagnosis and the exit code that names it.</summary>
public sealed class SmtpProbeTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> NoEnvironment = new();

    [Fact]
    public async Task Probe_passes_every_step_against_a_sink_with_starttls_and_auth_and_sends_with_send()
    {
        using var files = new TempDirectory();
        var certificate = SelfSignedCertificate.Create("mail.probe.test");
        var caFile = WritePem(files, certificate);
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Certificate = certificate, Credentials = new SinkCredentials("alice", "s3cret pass") });
        await using var dns = LoopbackDnsServer.Start().Zone("probe.test").A("mail.probe.test", "127.0.0.1").Mx("probe.test", 10, "mail.probe.test");

        var run = await CliRun.RunWithInputAsync(NoEnvironment, "s3cret pass\n", "probe", $"mail.probe.test:{sink.Port}", "--starttls",
            "--user", "alice", "--password-stdin", "--from", "probe@probe.test", "--to", "bob@example.net", "--send",
            "--ca-file", caFile, "--dns-server", dns.EndPoint.ToString(), "--timeout", "30s");

        output.WriteLine(run.Out);
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        foreach (var step in new[] { "dns", "connect", "greeting", "ehlo", "starttls", "auth", "mail", "rcpt", "data" })
            Assert.Matches($"(?m)^ OK   {step} ", run.Out);
        Assert.DoesNotContain("FAIL", run.Out);
        Assert.Contains("mail.probe.test has 127.0.0.1", run.Out);
        Assert.Contains("extensions: ", run.Out);
        Assert.Contains("STARTTLS", run.Out);
        Assert.Contains("authenticated as alice", run.Out);
        Assert.Contains(" ~> AUTH PLAIN [credentials hidden]", run.Out);
        Assert.Contains(" -> STARTTLS", run.Out);
        Assert.Contains("<~  235 ", run.Out);
        Assert.DoesNotContain("s3cret", run.Out);
        Assert.Contains("subject CN=mail.probe.test", run.Out);
        var message = Assert.Single(await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Equal("probe@probe.test", message.ReversePath);
        Assert.Equal("bob@example.net", Assert.Single(message.Recipients).Address);
    }

    [Fact]
    public async Task Probe_without_send_resets_the_transaction_and_json_lists_the_steps()
    {
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { StartTls = false });

        var run = await CliRun.RunAsync(NoEnvironment, "probe", $"127.0.0.1:{sink.Port}", "--from", "a@example.org", "--to", "b@example.net", "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(["dns", "connect", "greeting", "ehlo", "auth", "mail", "rcpt", "data"],
            json.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()));
        Assert.Contains("not sent", json.RootElement.GetProperty("steps")[7].GetProperty("summary").GetString());
        Assert.Contains(sink.Commands, c => c.Line == "RSET");
        Assert.Empty(sink.Messages);
    }

    [Fact]
    public async Task Probe_of_a_mail_domain_without_an_address_points_at_its_mx_and_exits_20()
    {
        await using var dns = LoopbackDnsServer.Start().Zone("probe.test").Mx("probe.test", 10, "mx1.probe.test").A("mx1.probe.test", "127.0.0.1");

        var run = await CliRun.RunAsync(NoEnvironment, "probe", "probe.test:25", "--dns-server", dns.EndPoint.ToString(), "--timeout", "30s");

        Assert.Equal(20, run.ExitCode);
        Assert.Contains("FAIL  dns", run.Out);
        Assert.Contains("MX probe.test: 10 mx1.probe.test", run.Out);
        Assert.Contains("probe.test has no A or AAAA record, so there is nothing to connect to; it is a mail domain whose MX is mx1.probe.test: probe that host instead", run.Out);
    }

    [Fact]
    public async Task Probe_of_a_closed_port_says_refused_and_exits_21()
    {
        var run = await CliRun.RunAsync(NoEnvironment, "probe", $"127.0.0.1:{FreePort.Tcp()}", "--timeout", "30s");

        Assert.Equal(21, run.ExitCode);
        Assert.Contains("FAIL  connect", run.Out);
        Assert.Contains("refused the connection: nothing listens on that port. Check the port", run.Out);
    }

    [Fact]
    public async Task Probe_of_a_port_that_drops_the_connection_attempt_says_firewall_and_exits_21()
    {
        // A listener that never accepts, with its accept queue filled: Linux then drops further SYNs, which is what a
        // firewall's DROP looks like to the client (no refusal, no answer). Fill until a connect stays pending.
        using var full = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        full.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        full.Listen(1);
        var port = ((IPEndPoint)full.LocalEndPoint!).Port;
        var queued = new List<Socket>();
        try
        {
            while (true)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                queued.Add(client);
                var connect = client.ConnectAsync(IPAddress.Loopback, port);
                if (await Task.WhenAny(connect, Task.Delay(TimeSpan.FromSeconds(3))) != connect) break; // this one is left hanging: the queue is full
                Assert.True(queued.Count < 64, "the accept queue never filled");
            }

            var run = await CliRun.RunAsync(NoEnvironment, "probe", $"127.0.0.1:{port}", "--timeout", "2s");

            Assert.Equal(21, run.ExitCode);
            Assert.Contains("FAIL  connect", run.Out);
            Assert.Contains($"no answer from 127.0.0.1 port {port} within 2s: a firewall drops the connection", run.Out);
            Assert.DoesNotContain("refused", run.Out);
        }
        finally
        {
            foreach (var client in queued) client.Dispose();
        }
    }

    [Fact]
    public async Task Probe_of_a_port_that_never_greets_says_so_and_exits_22()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = silent.AcceptTcpClientAsync();

        var run = await CliRun.RunAsync(NoEnvironment, "probe", $"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}", "--timeout", "2s");

        Assert.Equal(22, run.ExitCode);
        Assert.Contains(" OK   connect", run.Out);
        Assert.Contains("FAIL  greeting", run.Out);
        Assert.Contains("connected, but no greeting within 2s: the port may expect TLS first (try --tls for 465)", run.Out);
        (await accepted).Dispose();
    }

    [Fact]
    public async Task Probe_of_an_expired_certificate_says_when_it_expired_and_exits_24()
    {
        using var files = new TempDirectory();
        var expired = Expired("sink.test", DateTimeOffset.UtcNow.AddDays(-400), DateTimeOffset.UtcNow.AddDays(-3));
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Certificate = expired, Credentials = new SinkCredentials("alice", "pw") });

        var run = await CliRun.RunWithInputAsync(NoEnvironment, "pw\n", "probe", $"127.0.0.1:{sink.Port}", "--starttls", "--user", "alice", "--password-stdin",
            "--ca-file", WritePem(files, expired), "--timeout", "30s");

        Assert.Equal(24, run.ExitCode);
        Assert.Contains("FAIL  starttls", run.Out);
        Assert.Contains($"the certificate expired on {expired.NotAfter.ToUniversalTime():yyyy-MM-dd}: mail clients refuse it; renew it", run.Out);
        Assert.DoesNotContain("chain does not verify", run.Out);
        Assert.DoesNotContain(sink.Commands, c => c.Line.StartsWith("AUTH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Probe_with_a_wrong_password_gives_the_app_password_hint_and_exits_25()
    {
        using var files = new TempDirectory();
        await using var sink = TestSmtpSink.Start(new TestSmtpSinkOptions { Credentials = new SinkCredentials("alice", "right") });

        var run = await CliRun.RunWithInputAsync(NoEnvironment, "wrong\n", "probe", $"127.0.0.1:{sink.Port}", "--starttls", "--user", "alice", "--password-stdin",
            "--ca-file", WritePem(files, sink.Certificate), "--json", "--timeout", "30s");

        Assert.Equal(25, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("auth", json.RootElement.GetProperty("failedStep").GetString());
        var auth = json.RootElement.GetProperty("steps").EnumerateArray().Last();
        Assert.StartsWith("the server refused the user name or password (535 5.7.8", auth.GetProperty("diagnosis").GetString());
        Assert.Contains("Gmail and Microsoft 365 refuse the account password once 2-step verification is on: use an app password", auth.GetProperty("diagnosis").GetString());
        Assert.DoesNotContain("wrong", run.Out);
    }

    [Fact]
    public async Task Probe_through_the_executable_prints_no_stack_trace_and_lists_the_exit_codes_in_help()
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(new Dictionary<string, string>(), "probe", $"127.0.0.1:{FreePort.Tcp()}");
        Assert.Equal(21, exitCode);
        Assert.DoesNotContain("   at ", output);

        var (usageExit, usage) = await HostProcess.RunToExitAsync(new Dictionary<string, string>(), "probe", "--user", "u");
        Assert.Equal(2, usageExit);
        Assert.Equal("actormta: missing HOST[:PORT] to probe", usage);

        var (helpExit, help) = await HostProcess.RunToExitAsync(new Dictionary<string, string>(), "probe", "--help");
        Assert.Equal(0, helpExit);
        Assert.Contains("20 dns, 21 connect, 22 greeting, 23 ehlo, 24 tls/starttls, 25 auth, 26 mail, 27 rcpt, 28 data", help);
    }

    private static X509Certificate2 Expired(string hostName, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(hostName);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), password: null);
    }

    private static string WritePem(TempDirectory directory, X509Certificate2 certificate)
    {
        var path = Path.Combine(directory.Path, $"ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }
}
