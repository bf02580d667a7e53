using System.Buffers;
using ActorMta.Smtp.Tests.Support;

namespace ActorMta.Smtp.Tests.Data;

/// <summary>What a DATA reader made of an input: the body, what it left in the pipe, and its verdict.</summary>
internal sealed record DataOutcome(bool Complete, string Body, string Left, DataViolations Violations, long MessageSize, long StoredSize, long WireSize)
{
    /// <summary>Feeds <paramref name="chunks"/> one by one, as a pipe would, until the reader reports the end.</summary>
    public static DataOutcome Read(SmtpLimits limits, IEnumerable<byte[]> chunks)
    {
        var reader = new DataReader(limits);
        reader.Reset();
        var body = new ArrayBufferWriter<byte>();
        var input = new ChunkedInput();
        var left = new List<byte>();
        foreach (var chunk in chunks)
        {
            if (reader.IsComplete)
            {
                left.AddRange(chunk);
                continue;
            }
            var buffer = input.Arrive(chunk);
            reader.TryReadToEnd(ref buffer, body);
            // The reader never holds octets back: it either consumes all or stops at the end.
            Assert.True(reader.IsComplete || buffer.IsEmpty, "an incomplete read must consume everything");
            input.Leave(buffer);
            if (reader.IsComplete) left.AddRange(buffer.ToArray());
        }
        return new DataOutcome(reader.IsComplete, Wire.Show(body.WrittenSpan), Wire.Show(left.ToArray()),
            reader.Violations, reader.MessageSize, reader.StoredSize, reader.WireSize);
    }

    public static DataOutcome Read(SmtpLimits limits, string wire) => Read(limits, [Wire.Octets(wire)]);

    public static DataOutcome Read(string wire) => Read(SmtpLimits.Default, wire);

    /// <summary>Reads the same input whole, at every two-way split (as two reads and as one two-segment buffer) and one octet at a time; all must agree.</summary>
    public static DataOutcome ReadEveryWay(SmtpLimits limits, string wire)
    {
        var octets = Wire.Octets(wire);
        var whole = Read(limits, [octets]);
        foreach (var split in Wire.EverySplit(octets))
        {
            Assert.Equal(whole, Read(limits, split));
            Assert.Equal(whole, ReadSegmented(limits, split));
        }
        Assert.Equal(whole, Read(limits, Wire.Chunks(octets, 1)));
        return whole;
    }

    /// <summary>All parts in one buffer of several segments.</summary>
    private static DataOutcome ReadSegmented(SmtpLimits limits, byte[][] parts)
    {
        var reader = new DataReader(limits);
        var body = new ArrayBufferWriter<byte>();
        var buffer = Wire.Segments(parts);
        reader.TryReadToEnd(ref buffer, body);
        return new DataOutcome(reader.IsComplete, Wire.Show(body.WrittenSpan), Wire.Show(buffer),
            reader.Violations, reader.MessageSize, reader.StoredSize, reader.WireSize);
    }
}
