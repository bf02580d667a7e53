using System.Text;
using ActorMta.Ingress.Auth;

namespace ActorMta.Tests.Ingress.Auth;

public sealed class SaslResponseTests
{
    [Theory]
    [InlineData("=", "")]
    [InlineData("YWxpY2U=", "alice")]
    [InlineData("w6Rsw6Q=", "älä")]
    public void Base64_responses_decode_to_text(string base64, string text)
    {
        Assert.True(SaslResponse.TryDecode(Encoding.ASCII.GetBytes(base64), out var decoded));
        Assert.Equal(text, decoded);
    }

    [Theory]
    [InlineData("not base64")]
    [InlineData("YWxpY2U")] // missing padding
    [InlineData("/w==")] // 0xFF: not UTF-8
    public void Other_responses_do_not(string response)
    {
        Assert.False(SaslResponse.TryDecode(Encoding.ASCII.GetBytes(response), out _));
    }

    [Fact]
    public void Only_a_lone_star_cancels()
    {
        Assert.True(SaslResponse.IsCancel("*"u8));
        Assert.False(SaslResponse.IsCancel("**"u8));
        Assert.False(SaslResponse.IsCancel("*a"u8));
    }

    [Theory]
    [InlineData("\0alice\0pw", "", "alice", "pw")]
    [InlineData("alice\0alice\0pw", "alice", "alice", "pw")]
    [InlineData("bob\0alice\0", "bob", "alice", "")]
    public void Plain_messages_split_into_three_parts(string message, string authorize, string user, string password)
    {
        Assert.True(SaslResponse.TryParsePlain(message, out var a, out var u, out var p));
        Assert.Equal((authorize, user, password), (a, u, p));
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("\0alice")]
    [InlineData("\0\0pw")]
    [InlineData("a\0b\0c\0d")]
    public void Malformed_plain_messages_are_refused(string message)
    {
        Assert.False(SaslResponse.TryParsePlain(message, out _, out _, out _));
    }
}
