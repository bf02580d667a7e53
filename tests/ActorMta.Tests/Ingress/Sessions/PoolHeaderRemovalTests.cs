using System.Buffers;
using System.Text;
using ActorMta.Ingress.Sessions;
using ActorMta.Queue.Bodies;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>The egress pool header is found while the message arrives and left out of what is stored, in memory and spooled.</summary>
public sealed class PoolHeaderRemovalTests
{
    private const string Trace = "Received: by this node\r\n";
    private const string Message =
        "From: a@src.example\r\nX-ActorMta-Pool:  b\r\nSubject: hello\r\n x-actormta-pool: folded-lookalike\r\n"
        + "x-actormta-pool :\r\n\tb  \r\nTo: c@dest.example\r\n\r\nX-ActorMta-Pool: in the body stays\r\n";
    private const string Kept =
        "From: a@src.example\r\nSubject: hello\r\n x-actormta-pool: folded-lookalike\r\nTo: c@dest.example\r\n\r\nX-ActorMta-Pool: in the body stays\r\n";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(1000)]
    public void Every_pool_field_with_its_folded_lines_is_left_out_in_one_copy_however_the_octets_arrive(int piece)
    {
        var buffer = new MessageBuffer();
        buffer.Write(Encoding.ASCII.GetBytes(Trace));
        buffer.CountHopsFromHere("X-ActorMta-Pool");
        foreach (var part in Encoding.ASCII.GetBytes(Message).Chunk(piece)) buffer.Write(part);

        Assert.Equal(["b", "b"], buffer.RemovedFieldValues());
        Assert.Equal(Trace + Kept, Encoding.ASCII.GetString(buffer.ToArray()));
        Assert.Equal(0, buffer.Hops); // Received counting beside it: none after the trace
    }

    [Fact]
    public void A_message_that_ends_inside_its_pool_field_loses_the_field_and_no_other_octet()
    {
        var buffer = new MessageBuffer();
        buffer.CountHopsFromHere("X-ActorMta-Pool");
        buffer.Write("Subject: s\r\nX-ActorMta-Pool: bulk\r\n"u8);

        Assert.Equal(["bulk"], buffer.RemovedFieldValues());
        Assert.Equal("Subject: s\r\n", Encoding.ASCII.GetString(buffer.ToArray()));
    }

    [Fact]
    public void Without_the_field_nothing_changes()
    {
        var buffer = new MessageBuffer();
        buffer.CountHopsFromHere("X-ActorMta-Pool");
        buffer.Write(Encoding.ASCII.GetBytes(Kept));

        Assert.Empty(buffer.RemovedFieldValues());
        Assert.Equal(Kept, Encoding.ASCII.GetString(buffer.ToArray()));
    }

    [Fact]
    public async Task A_spooled_message_is_stored_without_the_field()
    {
        using var directory = new TempDirectory();
        var buffer = new MessageBuffer(new BodySpool(Path.Combine(directory.Path, "spool")), spoolThreshold: 4096);
        var body = new string('x', 998) + "\r\n";
        var tail = string.Concat(Enumerable.Repeat(body, 100));
        buffer.Write(Encoding.ASCII.GetBytes(Trace));
        buffer.CountHopsFromHere("X-ActorMta-Pool");
        foreach (var part in Encoding.ASCII.GetBytes(Message + tail).Chunk(333)) buffer.Write(part);
        Assert.True(buffer.IsSpooled);

        Assert.Equal(["b", "b"], buffer.RemovedFieldValues());
        var spooled = await buffer.DetachSpool().CompleteAsync();
        Assert.Equal(Trace + Kept + tail, await File.ReadAllTextAsync(spooled.Path));
        Assert.Equal(spooled.Length, new FileInfo(spooled.Path).Length);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(spooled.Path)!));
        spooled.Delete();
    }
}
