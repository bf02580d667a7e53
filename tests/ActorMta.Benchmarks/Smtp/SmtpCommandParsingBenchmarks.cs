using System.Buffers;
using System.Text;
using ActorMta.Smtp;
using BenchmarkDotNet.Attributes;

namespace ActorMta.Benchmarks.Smtp;

/// <summary>
/// Steady-state command parsing must allocate nothing. Each operation is one command of the mix
/// (OperationsPerInvoke), so "Allocated" is bytes per command and 1 s / Mean is commands per second.
/// </summary>
[MemoryDiagnoser]
public class SmtpCommandParsingBenchmarks
{
    private const SmtpExtensions Offered = SmtpExtensions.Pipelining | SmtpExtensions.Size | SmtpExtensions.EightBitMime
        | SmtpExtensions.SmtpUtf8 | SmtpExtensions.EnhancedStatusCodes | SmtpExtensions.Chunking | SmtpExtensions.Dsn;

    private static readonly string[] Mix =
    [
        "EHLO client.example.com",
        "MAIL FROM:<a@b> SIZE=1000 BODY=8BITMIME",
        "RCPT TO:<x@y> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;x@y",
        "DATA",
        "RSET",
        "NOOP",
        "QUIT",
    ];

    private readonly SmtpCommandParser _parser = new(SmtpLimits.Default);
    private readonly SmtpLineReader _lineReader = new(SmtpLimits.Default.MaxCommandLineLength);
    private byte[][] _lines = [];
    private ReadOnlySequence<byte> _pipelined;

    [GlobalSetup]
    public void Setup()
    {
        _lines = Mix.Select(Encoding.ASCII.GetBytes).ToArray();
        _pipelined = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(string.Concat(Mix.Select(l => l + "\r\n"))));
        // A benchmark of commands that fail to parse would measure the wrong path.
        foreach (var line in _lines)
        {
            var command = _parser.Parse(line, Offered);
            if (!command.IsOk) throw new InvalidOperationException($"{Encoding.ASCII.GetString(line)}: {command.ErrorReply}");
        }
    }

    /// <summary>Parsing alone: line bytes to verb, path offsets and parameter values.</summary>
    [Benchmark(OperationsPerInvoke = 7)]
    public int Parse()
    {
        var checksum = 0;
        foreach (var line in _lines)
        {
            var command = _parser.Parse(line, Offered);
            checksum += (int)command.Verb + command.Domain.Length + (int)command.RecipientParameters.Notify;
        }
        return checksum;
    }

    /// <summary>What a session does per pipelined batch: cut lines at CRLF, then parse each.</summary>
    [Benchmark(OperationsPerInvoke = 7)]
    public int ReadLinesAndParse()
    {
        var buffer = _pipelined;
        var checksum = 0;
        while (_lineReader.TryRead(ref buffer, out var line) == LineStatus.Line)
        {
            var command = _parser.Parse(line, Offered);
            checksum += (int)command.Verb + command.Domain.Length;
        }
        return checksum;
    }
}
