namespace ActorMta.Smtp.Tests.Addresses;

public class MailboxTests
{
    [Theory]
    [InlineData("user", "example.com", false, "user@example.com")]
    [InlineData("user", "example.com", true, "user@example.com")] // quoting it was never needed
    [InlineData("john doe", "example.com", true, "\"john doe\"@example.com")]
    [InlineData("a\"b\\c", "example.com", true, "\"a\\\"b\\\\c\"@example.com")]
    [InlineData("", "example.com", true, "\"\"@example.com")]
    [InlineData("a..b", "example.com", true, "\"a..b\"@example.com")]
    [InlineData("josé", "bücher.example", false, "josé@bücher.example")]
    public void ToString_gives_the_wire_form_quoting_only_when_needed(string localPart, string domain, bool quoted, string wire)
    {
        Assert.Equal(wire, new Mailbox(localPart, domain, quoted).ToString());
    }

    [Theory]
    [InlineData("user%other.example", true)]
    [InlineData("other.example!user", true)]
    [InlineData("user@other.example", true)]
    [InlineData("plain.user", false)]
    public void Routing_characters_in_the_local_part_are_flagged_for_relay_policy(string localPart, bool flagged)
    {
        Assert.Equal(flagged, new Mailbox(localPart, "example.com", true).HasRoutingCharacters);
    }

    [Fact]
    public void Address_literals_are_flagged()
    {
        Assert.True(new Mailbox("u", "[192.0.2.1]", false).IsAddressLiteral);
        Assert.False(new Mailbox("u", "example.com", false).IsAddressLiteral);
    }

    [Fact]
    public void TryParse_reads_an_address_without_brackets()
    {
        Assert.True(Mailbox.TryParse("\"a b\"@example.com", allowUtf8: false, out var quoted));
        Assert.Equal(new Mailbox("a b", "example.com", true), quoted);
        Assert.True(Mailbox.TryParse("josé@example.com", allowUtf8: true, out var utf8));
        Assert.Equal("josé", utf8!.LocalPart);

        Assert.False(Mailbox.TryParse("josé@example.com", allowUtf8: false, out _));
        Assert.False(Mailbox.TryParse("postmaster", allowUtf8: false, out _));
        Assert.False(Mailbox.TryParse("", allowUtf8: false, out _));
        Assert.False(Mailbox.TryParse("a@b@c", allowUtf8: false, out _));
    }

    [Fact]
    public void Paths_print_in_angle_brackets()
    {
        var mailbox = new Mailbox("a", "b.example", false);
        Assert.Equal("<a@b.example>", new ReversePath(mailbox).ToString());
        Assert.Equal("<a@b.example>", new ForwardPath(mailbox).ToString());
        Assert.False(new ForwardPath(mailbox).IsPostmaster);
        Assert.False(new ReversePath(mailbox).IsNull);
    }
}
