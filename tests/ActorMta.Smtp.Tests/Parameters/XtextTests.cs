using System.Text;

namespace ActorMta.Smtp.Tests.Parameters;

public class XtextTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a+b=c", "a+2Bb+3Dc")]
    [InlineData("with space", "with+20space")]
    [InlineData("josé", "jos+C3+A9")]
    [InlineData("", "")]
    [InlineData("\r\n", "+0D+0A")]
    public void Encode_and_decode_are_inverse(string text, string xtext)
    {
        Assert.Equal(xtext, Xtext.Encode(text));
        Assert.Equal(text, Xtext.Decode(Encoding.ASCII.GetBytes(xtext)));
    }

    [Theory]
    [InlineData("a+", false)]
    [InlineData("a+4", false)]
    [InlineData("a+4G", false)]
    [InlineData("a=b", false)]
    [InlineData("a b", false)]
    [InlineData("a+41", true)]
    [InlineData("a+4a", true)]
    public void Validity(string xtext, bool valid)
    {
        Assert.Equal(valid, Xtext.IsValid(Encoding.ASCII.GetBytes(xtext), out _));
    }

    [Fact]
    public void Decoded_length_is_reported()
    {
        Assert.True(Xtext.IsValid("ab+20c"u8, out var length));
        Assert.Equal(4, length);
        Assert.Throws<FormatException>(() => Xtext.Decode("bad+"u8));
    }
}
