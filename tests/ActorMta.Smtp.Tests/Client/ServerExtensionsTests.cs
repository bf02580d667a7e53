using ActorMta.Smtp.Client;

namespace ActorMta.Smtp.Tests.Client;

public class ServerExtensionsTests
{
    private static ServerExtensions Parse(params string[] lines) => ServerExtensions.Parse(new SmtpReply(250, null, lines));

    [Fact]
    public void Reads_every_keyword_the_client_acts_on()
    {
        var extensions = Parse("mx.example.net Hello", "PIPELINING", "SIZE 35882577", "8BITMIME", "SMTPUTF8", "CHUNKING", "BINARYMIME",
            "STARTTLS", "DSN", "ENHANCEDSTATUSCODES", "AUTH PLAIN LOGIN", "VRFY", "ETRN");

        // Records compare lists by reference: compare the mechanisms on their own.
        Assert.Equal(new ServerExtensions(true, 35882577, true, true, true, true, true, true, true, []), extensions with { AuthMechanisms = [] });
        Assert.Equal(["PLAIN", "LOGIN"], extensions.AuthMechanisms);
    }

    [Fact]
    public void The_first_line_is_the_server_name_not_a_keyword()
    {
        var extensions = Parse("PIPELINING");
        Assert.False(extensions.Pipelining);
    }

    [Fact]
    public void Keywords_are_case_insensitive_and_unknown_ones_are_ignored()
    {
        var extensions = Parse("mx", "pipelining", "Size 1000", "x-shiny-new-thing", "starttls");
        Assert.True(extensions.Pipelining);
        Assert.True(extensions.StartTls);
        Assert.Equal(1000, extensions.MaxSize);
        Assert.False(extensions.Chunking);
    }

    [Theory]
    [InlineData("SIZE", 0L)]
    [InlineData("SIZE 0", 0L)]
    [InlineData("SIZE huge", 0L)] // unreadable: no fixed limit, never a reason to refuse a message
    [InlineData("SIZE 52428800", 52428800L)]
    public void SIZE_without_a_usable_number_means_offered_without_a_fixed_limit(string line, long expected)
    {
        Assert.Equal(expected, Parse("mx", line).MaxSize);
    }

    [Fact]
    public void Without_SIZE_there_is_no_size_at_all()
    {
        Assert.Null(Parse("mx", "PIPELINING").MaxSize);
    }

    [Fact]
    public void The_old_AUTH_equals_form_adds_mechanisms_once()
    {
        var extensions = Parse("mx", "AUTH LOGIN PLAIN CRAM-MD5", "AUTH=LOGIN PLAIN");
        Assert.Equal(["LOGIN", "PLAIN", "CRAM-MD5"], extensions.AuthMechanisms);
        Assert.True(extensions.OffersAuth("plain"));
        Assert.False(extensions.OffersAuth("XOAUTH2"));
    }

    [Fact]
    public void AUTH_equals_alone_is_enough()
    {
        Assert.Equal(["LOGIN"], Parse("mx", "AUTH=LOGIN").AuthMechanisms);
    }

    [Fact]
    public void A_bare_greeting_offers_nothing()
    {
        Assert.Equal(ServerExtensions.None with { AuthMechanisms = [] }, Parse("mx.example.net") with { AuthMechanisms = [] });
        Assert.Empty(Parse("mx.example.net").AuthMechanisms);
    }
}
