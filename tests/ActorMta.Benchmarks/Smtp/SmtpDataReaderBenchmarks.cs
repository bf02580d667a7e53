using System.Buffers;
using System.Text;
using ActorMta.Smtp;
using BenchmarkDotNet.Attributes;

namespace ActorMta.Benchmarks.Smtp;

/// <summary>
/// The DATA reader over a 64 KiB message of 76-octet lines (a few dot-stuffed), arriving in 4 KiB
/// segments as from a pipe. One operation is one message; it must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class SmtpDataReaderBenchmarks
{
    private readonly DataReader _reader = new(SmtpLimits.Default);
    private readonly ArrayBufferWriter<byte> _body = new(128 * 1024);
    private ReadOnlySequence<byte> _message;

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder("From: a@b.example\r\nTo: x@y.example\r\nSubject: benchmark\r\n\r\n");
        for (var line = 0; text.Length < 64 * 1024; line++)
        {
            text.Append(line % 50 == 0 ? ".." : "").Append(new string((char)('a' + line % 26), 74)).Append("\r\n");
        }
        text.Append(".\r\n");
        _message = Segmented(Encoding.ASCII.GetBytes(text.ToString()), 4096);
    }

    [Benchmark]
    public long ReadMessage()
    {
        _reader.Reset();
        _body.ResetWrittenCount();
        var buffer = _message;
        if (!_reader.TryReadToEnd(ref buffer, _body)) throw new InvalidOperationException("message did not end");
        return _reader.StoredSize;
    }

    private static ReadOnlySequence<byte> Segmented(byte[] octets, int size)
    {
        Segment? first = null, last = null;
        for (var i = 0; i < octets.Length; i += size)
        {
            var memory = octets.AsMemory(i, Math.Min(size, octets.Length - i));
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
