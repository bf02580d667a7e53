using System.Buffers;
using System.Net;
using System.Text;
using ActorMta.Smtp;
using ActorMta.Smtp.Client;
using BenchmarkDotNet.Attributes;

namespace ActorMta.Benchmarks.Smtp;

/// <summary>
/// The outbound client: one pipelined transaction (MAIL, 2 RCPT, content) over one reused loopback
/// connection to a null server, by DATA (dot-stuffed) or BDAT, and the dot-stuffing alone.
/// Allocated bytes per transaction are the number to watch.
/// </summary>
[MemoryDiagnoser]
public class SmtpClientBenchmarks
{
    private NullSmtpServer _server = null!;
    private SmtpClientSession _session = null!;
    private OutboundMessage _message = null!;
    private readonly ArrayBufferWriter<byte> _stuffed = new(256 * 1024);

    [Params(4 * 1024, 100 * 1024)]
    public int BodySize { get; set; }

    [Params(false, true)]
    public bool Chunking { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var text = new StringBuilder("From: a@b.example\r\nTo: x@y.example\r\nSubject: benchmark\r\n\r\n");
        for (var line = 0; text.Length < BodySize; line++)
        {
            text.Append(line % 50 == 0 ? "." : "").Append((char)('a' + line % 26), 74).Append("\r\n");
        }
        _message = new OutboundMessage("sender@b.example", [new OutboundRecipient("x@y.example"), new OutboundRecipient("z@y.example")],
            Encoding.ASCII.GetBytes(text.ToString()), BodyType.EightBitMime);
        _server = new NullSmtpServer(Chunking);
        _session = await SmtpClientSession.ConnectAsync(_server.EndPoint, IPAddress.Loopback,
            new SmtpClientOptions { HeloName = "bench.example", Tls = TlsPolicy.None }, CancellationToken.None);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _session.QuitAsync(CancellationToken.None);
        await _server.DisposeAsync();
    }

    [Benchmark]
    public async Task<RecipientOutcome> SendTransaction()
    {
        var result = await _session.SendAsync(_message, CancellationToken.None);
        return result.OutcomeOf(1);
    }

    [Benchmark]
    public int DotStuffOnly()
    {
        _stuffed.ResetWrittenCount();
        var stuffer = new DotStuffer();
        stuffer.Write(_stuffed, _message.Body.Span);
        stuffer.Complete(_stuffed);
        return _stuffed.WrittenCount;
    }
}
