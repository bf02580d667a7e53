using System.Buffers;
using ActorMta.Smtp.Client;
using ActorMta.Smtp.Tests.Support;

namespace ActorMta.Smtp.Tests.Client;

public class DotStufferTests
{
    private static string Stuff(params string[] slices)
    {
        var output = new ArrayBufferWriter<byte>();
        var stuffer = new DotStuffer();
        foreach (var slice in slices) stuffer.Write(output, Wire.Octets(slice));
        stuffer.Complete(output);
        return Wire.Show(output.WrittenSpan);
    }

    [Theory]
    [InlineData("", ".\r\n")]
    [InlineData("Subject: x\r\n\r\nhello\r\n", "Subject: x\r\n\r\nhello\r\n.\r\n")]
    [InlineData(".\r\n", "..\r\n.\r\n")]
    [InlineData("a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n")]
    [InlineData("..double\r\n", "...double\r\n.\r\n")]
    [InlineData("a.b\r\n .c\r\n", "a.b\r\n .c\r\n.\r\n")] // a dot inside a line is not stuffed
    [InlineData("no final line end", "no final line end\r\n.\r\n")]
    [InlineData(".", "..\r\n.\r\n")]
    public void Doubles_leading_dots_and_ends_with_CRLF_dot_CRLF(string body, string wire)
    {
        Assert.Equal(wire, Stuff(body));
    }

    [Theory]
    [InlineData("a\nb\r\n", "a\r\nb\r\n.\r\n")]
    [InlineData("a\rb\r\n", "a\r\nb\r\n.\r\n")]
    [InlineData("a\r\r\nb", "a\r\n\r\nb\r\n.\r\n")]
    [InlineData("a\n\rb", "a\r\n\r\nb\r\n.\r\n")]
    [InlineData("end\r", "end\r\n.\r\n")]
    [InlineData("end\n", "end\r\n.\r\n")]
    // Smuggling attempts: each bare line ending becomes a real one, so the dot is stuffed and ends nothing.
    [InlineData("x\n.\nMAIL FROM:<evil@x>\n", "x\r\n..\r\nMAIL FROM:<evil@x>\r\n.\r\n")]
    [InlineData("x\r\n.\nRCPT\r\n", "x\r\n..\r\nRCPT\r\n.\r\n")]
    [InlineData("x\r.\r\n", "x\r\n..\r\n.\r\n")]
    public void Never_sends_a_bare_CR_or_LF(string body, string wire)
    {
        Assert.Equal(wire, Stuff(body));
    }

    [Theory]
    [InlineData("a\r\n.b\r\n..c\rd\ne\r\n\r\n.")]
    [InlineData("line one\r\n.\r\nline three\n.\r")]
    [InlineData("\r\n\r\n..\r\n")]
    public void Slice_boundaries_change_nothing(string body)
    {
        var whole = Stuff(body);
        for (var split = 0; split <= body.Length; split++)
        {
            Assert.Equal(whole, Stuff(body[..split], body[split..]));
            for (var second = split; second <= body.Length; second++)
                Assert.Equal(whole, Stuff(body[..split], body[split..second], "", body[second..]));
        }
    }

    [Fact]
    public void Output_has_no_bare_line_endings_and_unstuffs_to_the_normalized_body()
    {
        var random = new Random(5321);
        var alphabet = "a.\r\n"u8.ToArray();
        for (var round = 0; round < 500; round++)
        {
            var body = new byte[random.Next(0, 40)];
            for (var i = 0; i < body.Length; i++) body[i] = alphabet[random.Next(alphabet.Length)];
            var wire = Stuff(Wire.Show(body));

            var lines = wire.Split("\r\n");
            Assert.Equal("", lines[^1]);
            Assert.Equal(".", lines[^2]);
            Assert.All(lines, l => Assert.DoesNotContain('\r', l));
            Assert.All(lines, l => Assert.DoesNotContain('\n', l));
            Assert.All(lines[..^2], l => Assert.NotEqual(".", l));
            var unstuffed = string.Concat(lines[..^2].Select(l => (l.StartsWith('.') ? l[1..] : l) + "\r\n"));
            var normalized = Wire.Show(body).Replace("\r\n", "\n").Replace('\r', '\n').Replace("\n", "\r\n");
            if (normalized.Length > 0 && !normalized.EndsWith("\r\n")) normalized += "\r\n";
            Assert.Equal(normalized, unstuffed);
        }
    }
}
