using System.Text;

namespace ActorMta.Smtp.Tests.Replies;

public class EnhancedStatusCodeTests
{
    [Theory]
    [InlineData("2.0.0", 2, 0, 0, 5)]
    [InlineData("5.7.1 rest", 5, 7, 1, 5)]
    [InlineData("4.4.7", 4, 4, 7, 5)]
    [InlineData("5.999.999", 5, 999, 999, 9)]
    [InlineData("5.01.002", 5, 1, 2, 8)]
    public void Parses_class_subject_detail(string text, int @class, int subject, int detail, int length)
    {
        Assert.True(EnhancedStatusCode.TryParse(Encoding.ASCII.GetBytes(text), out var code, out var used));
        Assert.Equal(new EnhancedStatusCode(@class, subject, detail), code);
        Assert.Equal(length, used);
    }

    [Theory]
    [InlineData("3.0.0")]
    [InlineData("5.0")]
    [InlineData("5..0")]
    [InlineData("5.0.")]
    [InlineData("5.1000.0")]
    [InlineData("5.0.0x")]
    [InlineData("5.0.0.1")]
    [InlineData("x.0.0")]
    [InlineData("")]
    public void Refuses_what_is_not_a_status_code(string text)
    {
        Assert.False(EnhancedStatusCode.TryParse(Encoding.ASCII.GetBytes(text), out _, out _));
    }

    [Fact]
    public void Formats_and_validates()
    {
        Assert.Equal("5.7.26", new EnhancedStatusCode(5, 7, 26).ToString());
        Assert.Equal(new EnhancedStatusCode(4, 7, 0), EnhancedStatusCode.Parse("4.7.0"));
        Assert.Throws<FormatException>(() => EnhancedStatusCode.Parse("4.7.0 "));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnhancedStatusCode(3, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnhancedStatusCode(5, 1000, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnhancedStatusCode(5, 0, -1));
    }
}
