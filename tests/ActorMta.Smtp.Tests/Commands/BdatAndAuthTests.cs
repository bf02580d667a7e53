using System.Text;
using static ActorMta.Smtp.Tests.Support.CommandLines;

namespace ActorMta.Smtp.Tests.Commands;

public class BdatAndAuthTests
{
    [Theory]
    [InlineData("BDAT 1000", 1000, false)]
    [InlineData("BDAT 0 LAST", 0, true)]
    [InlineData("bdat 5 last", 5, true)]
    [InlineData("BDAT 007 LAST", 7, true)]
    [InlineData("BDAT 123456789012345678", 123456789012345678, false)]
    [InlineData("BDAT 42  LAST", 42, true)]
    public void BDAT_gives_the_chunk_size_and_whether_it_is_the_last(string line, long size, bool last)
    {
        var command = Parser.Parse(Encoding.ASCII.GetBytes(line), AllButBinaryMime);
        Assert.Equal(CommandStatus.Ok, command.Status);
        Assert.Equal(SmtpVerb.Bdat, command.Verb);
        Assert.Equal(size, command.ChunkSize);
        Assert.Equal(last, command.IsLastChunk);
    }

    [Theory]
    [InlineData("BDAT")]
    [InlineData("BDAT LAST")]
    [InlineData("BDAT x")]
    [InlineData("BDAT -1")]
    [InlineData("BDAT +1")]
    [InlineData("BDAT 1.5")]
    [InlineData("BDAT 10 FIRST")]
    [InlineData("BDAT 10 LAST now")]
    [InlineData("BDAT 1234567890123456789")] // 19 digits: might not fit; the session must close
    public void A_BDAT_size_that_cannot_be_read_is_501_5_5_4(string line)
    {
        Assert.Equal((CommandStatus.SyntaxError, "501 5.5.4 Syntax: BDAT size [LAST]"), Failure(line));
    }

    [Theory]
    [InlineData("AUTH PLAIN", "PLAIN", "")]
    [InlineData("AUTH plain", "plain", "")]
    [InlineData("AUTH PLAIN AGFsaWNlAHNlY3JldA==", "PLAIN", "AGFsaWNlAHNlY3JldA==")]
    [InlineData("AUTH PLAIN =", "PLAIN", "=")]
    [InlineData("AUTH LOGIN dXNlcg==", "LOGIN", "dXNlcg==")]
    [InlineData("AUTH SCRAM-SHA-256", "SCRAM-SHA-256", "")]
    [InlineData("AUTH X_CUSTOM  abc+/", "X_CUSTOM", "abc+/")]
    public void AUTH_gives_the_mechanism_and_the_initial_response(string line, string mechanism, string response)
    {
        var command = Parser.Parse(Encoding.ASCII.GetBytes(line), AllButBinaryMime);
        Assert.Equal(CommandStatus.Ok, command.Status);
        Assert.Equal(mechanism, Encoding.ASCII.GetString(command.Argument));
        Assert.Equal(response, Encoding.ASCII.GetString(command.InitialResponse));
        Assert.Equal(response.Length > 0, command.HasInitialResponse);
    }

    [Theory]
    [InlineData("AUTH")]
    [InlineData("AUTH PL@IN")]
    [InlineData("AUTH ABCDEFGHIJKLMNOPQRSTU")] // 21 characters
    [InlineData("AUTH PLAIN abc!")]
    [InlineData("AUTH PLAIN abc def")]
    public void A_malformed_AUTH_is_501_5_5_4(string line)
    {
        Assert.Equal((CommandStatus.SyntaxError, "501 5.5.4 Syntax: AUTH mechanism [initial-response]"), Failure(line));
    }
}
