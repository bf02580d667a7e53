using System.Text;
using static ActorMta.Smtp.Tests.Support.CommandLines;

namespace ActorMta.Smtp.Tests.Addresses;

public class PathTests
{
    [Theory]
    [InlineData("<user@example.com>", "user", "example.com", false)]
    [InlineData("<first.last@sub.example.com>", "first.last", "sub.example.com", false)]
    [InlineData("<!#$%&'*+-/=?^_`{|}~@example.com>", "!#$%&'*+-/=?^_`{|}~", "example.com", false)]
    [InlineData("<\"john doe\"@example.com>", "john doe", "example.com", true)]
    [InlineData("<\"a\\\"b\\\\c\"@example.com>", "a\"b\\c", "example.com", true)]
    [InlineData("<\"john..doe\"@example.com>", "john..doe", "example.com", true)]
    [InlineData("<\"\"@example.com>", "", "example.com", true)]
    [InlineData("<\"a>b\"@example.com>", "a>b", "example.com", true)]
    [InlineData("<\"user@relay\"@example.com>", "user@relay", "example.com", true)]
    [InlineData("<user@[192.0.2.1]>", "user", "[192.0.2.1]", false)]
    [InlineData("<user@[IPv6:2001:db8::1]>", "user", "[IPv6:2001:db8::1]", false)]
    [InlineData("<user@[ipv6:::1]>", "user", "[ipv6:::1]", false)]
    [InlineData("<@relay1.example,@relay2.example:user@example.com>", "user", "example.com", false)]
    [InlineData("<@relay.example:user@example.com>", "user", "example.com", false)]
    [InlineData("<User@Example.COM>", "User", "Example.COM", false)]
    [InlineData("<postmaster@example.com>", "postmaster", "example.com", false)]
    public void A_mailbox_is_split_into_local_part_and_domain(string path, string localPart, string domain, bool quoted)
    {
        var sender = Sender("MAIL FROM:" + path);
        var recipient = Recipient("RCPT TO:" + path);

        var expected = new Mailbox(localPart, domain, quoted);
        Assert.Equal(expected, sender.Path.Mailbox);
        Assert.Equal(expected, recipient.Path.Mailbox);
    }

    [Fact]
    public void The_local_part_and_domain_are_also_readable_as_octets_without_allocating()
    {
        var command = Parser.Parse("RCPT TO:<\"a b\"@Example.com> NOTIFY=NEVER"u8, AllButBinaryMime);
        Assert.Equal("\"a b\"", Encoding.ASCII.GetString(command.LocalPart));
        Assert.Equal("Example.com", Encoding.ASCII.GetString(command.Domain));
        Assert.True(command.IsQuotedLocalPart);
    }

    [Fact]
    public void The_null_reverse_path_is_accepted_on_MAIL()
    {
        var command = Parser.Parse("MAIL FROM:<>"u8, AllButBinaryMime);
        Assert.True(command.IsNullReversePath);
        Assert.Same(ReversePath.Null, command.ToReversePath());
        Assert.Equal("<>", ReversePath.Null.ToString());
        Assert.True(Sender("MAIL FROM:<> SIZE=100").Path.IsNull);
    }

    [Theory]
    [InlineData("RCPT TO:<postmaster>")]
    [InlineData("RCPT TO:<Postmaster>")]
    [InlineData("RCPT TO:<POSTMASTER>")]
    public void Postmaster_without_a_domain_is_a_forward_path(string line)
    {
        var command = Parser.Parse(Encoding.ASCII.GetBytes(line), AllButBinaryMime);
        Assert.True(command.IsPostmaster);
        Assert.Same(ForwardPath.Postmaster, command.ToForwardPath());
        Assert.Equal("<postmaster>", ForwardPath.Postmaster.ToString());
    }

    [Theory]
    [InlineData("MAIL FROM:<postmaster>", "501 5.1.7 Bad sender address syntax")]
    [InlineData("RCPT TO:<>", "501 5.1.3 Bad recipient address syntax")]
    public void Null_is_only_a_reverse_path_and_bare_postmaster_only_a_forward_path(string line, string reply)
    {
        Assert.Equal((CommandStatus.InvalidAddress, reply), Failure(line));
    }

    [Theory]
    [InlineData("<user>")]
    [InlineData("<@example.com>")]
    [InlineData("<user@>")]
    [InlineData("<.user@example.com>")]
    [InlineData("<user.@example.com>")]
    [InlineData("<us..er@example.com>")]
    [InlineData("<us er@example.com>")]
    [InlineData("<us(er@example.com>")]
    [InlineData("<user@example..com>")]
    [InlineData("<user@-example.com>")]
    [InlineData("<user@example-.com>")]
    [InlineData("<user@exa_mple.com>")]
    [InlineData("<user@example.com.>")]
    [InlineData("<user@@example.com>")]
    [InlineData("<a@b@example.com>")]
    [InlineData("<\"a\"b@example.com>")]
    [InlineData("<user@[192.0.2.256]>")]
    [InlineData("<user@[192.0.2]>")]
    [InlineData("<user@[192.0.2.1.5]>")]
    [InlineData("<user@[1920.0.2.1]>")]
    [InlineData("<user@[IPv6:2001:db8::1::2]>")]
    [InlineData("<user@[IPv6:1:2:3:4:5:6:7:8:9]>")]
    [InlineData("<user@[IPv6:1:2:3:4:5:6:7]>")]
    [InlineData("<user@[IPv6:1:2:3:4:5:6:7::]>")]
    [InlineData("<user@[IPv6:12345::1]>")]
    [InlineData("<user@[IPv6:g::1]>")]
    [InlineData("<user@[IPv6::1]>")]
    [InlineData("<user@[IPv6:1:]>")]
    [InlineData("<user@[IPv6:1.2.3.4::]>")]
    [InlineData("<user@[x-tag:whatever]>")]
    [InlineData("<user@[]>")]
    [InlineData("<user@[192.0.2.1>")]
    [InlineData("<@relay.example user@example.com>")]
    [InlineData("<@relay.example,relay2.example:user@example.com>")]
    [InlineData("<@relay.example:>")]
    public void A_malformed_mailbox_is_501_with_the_sender_or_recipient_status(string path)
    {
        Assert.Equal((CommandStatus.InvalidAddress, "501 5.1.7 Bad sender address syntax"), Failure("MAIL FROM:" + path));
        Assert.Equal((CommandStatus.InvalidAddress, "501 5.1.3 Bad recipient address syntax"), Failure("RCPT TO:" + path));
    }

    [Theory]
    [InlineData("[IPv6:::]")]
    [InlineData("[IPv6:1::]")]
    [InlineData("[IPv6:1:2:3:4:5:6:7:8]")]
    [InlineData("[IPv6:1:2:3::6:7:8]")]
    [InlineData("[IPv6:::ffff:192.0.2.1]")]
    [InlineData("[IPv6:1:2:3:4:5:6:192.0.2.1]")]
    [InlineData("[IPv6:1:2:3:4::192.0.2.1]")]
    [InlineData("[IPv6:FFFF:abcd::0]")]
    [InlineData("[0.0.0.0]")]
    [InlineData("[255.255.255.255]")]
    [InlineData("[010.0.0.1]")]
    public void Every_RFC_5321_address_literal_form_is_accepted(string literal)
    {
        Assert.Equal(literal, Recipient($"RCPT TO:<user@{literal}>").Path.Mailbox!.Domain);
    }

    [Theory]
    [InlineData("MAIL FROM:a@b.example")]
    [InlineData("MAIL FROM:<a@b.example")]
    [InlineData("MAIL FROM:<a@b.example>x")]
    [InlineData("MAIL FROM:<a@b.example>SIZE=1")]
    [InlineData("MAIL FROM")]
    [InlineData("MAIL FROM:")]
    [InlineData("MAIL TO:<a@b.example>")]
    [InlineData("MAIL FRM:<a@b.example>")]
    [InlineData("MAIL")]
    [InlineData("MAIL  <a@b.example>")]
    [InlineData("MAIL FROM:<\"unterminated@b.example>")] // the quote hides the closing bracket
    public void MAIL_without_FROM_colon_and_a_bracketed_path_is_501_5_5_4(string line)
    {
        Assert.Equal((CommandStatus.SyntaxError, "501 5.5.4 Syntax: MAIL FROM:<address> [parameters]"), Failure(line));
    }

    [Theory]
    [InlineData("RCPT TO:a@b.example")]
    [InlineData("RCPT TO:<a@b.example")]
    [InlineData("RCPT FROM:<a@b.example>")]
    [InlineData("RCPT")]
    [InlineData("RCPT TO:")]
    public void RCPT_without_TO_colon_and_a_bracketed_path_is_501_5_5_4(string line)
    {
        Assert.Equal((CommandStatus.SyntaxError, "501 5.5.4 Syntax: RCPT TO:<address> [parameters]"), Failure(line));
    }

    [Theory]
    [InlineData("MAIL FROM: <a@b.example>")]
    [InlineData("MAIL FROM:  <a@b.example>  SIZE=10")]
    [InlineData("mail FrOm:<a@b.example>")]
    public void A_space_after_FROM_colon_and_any_case_are_tolerated(string line)
    {
        Assert.Equal(new Mailbox("a", "b.example", false), Sender(line).Path.Mailbox);
    }

    [Fact]
    public void Length_limits_are_64_for_the_local_part_255_for_the_domain_and_256_for_the_path()
    {
        var label = new string('d', 63);
        var domain253 = $"{label}.{label}.{label}.{new string('d', 61)}"; // 253 octets
        Assert.Equal(253, domain253.Length);

        Assert.True(Recipient($"RCPT TO:<{new string('l', 64)}@example.com>").Path.Mailbox is not null);
        Assert.Equal((CommandStatus.AddressTooLong, "501 5.1.3 Recipient address too long"), Failure($"RCPT TO:<{new string('l', 65)}@example.com>"));
        Assert.Equal((CommandStatus.AddressTooLong, "501 5.1.7 Sender address too long"), Failure($"MAIL FROM:<{new string('l', 65)}@example.com>"));

        // A domain of 253 with a one-octet local part: path "<l@...>" is 257 octets.
        Assert.Equal((CommandStatus.AddressTooLong, "501 5.1.3 Recipient address too long"), Failure($"RCPT TO:<l@{domain253}>"));
        var domain251 = domain253[..^2];
        Assert.Equal(domain251, Recipient($"RCPT TO:<l@{domain251}>").Path.Mailbox!.Domain); // path of 255

        Assert.Equal((CommandStatus.InvalidAddress, "501 5.1.3 Bad recipient address syntax"), Failure($"RCPT TO:<l@{new string('d', 64)}.example>"));
    }

    [Fact]
    public void Address_length_limits_are_settings()
    {
        var parser = new SmtpCommandParser(new SmtpLimits { MaxLocalPartLength = 8, MaxDomainLength = 12, MaxPathLength = 30 });
        Assert.Equal(CommandStatus.Ok, Parse("RCPT TO:<12345678@example.com>", parser: parser).Status);
        Assert.Equal(CommandStatus.AddressTooLong, Parse("RCPT TO:<123456789@example.com>", parser: parser).Status);
        Assert.Equal(CommandStatus.AddressTooLong, Parse("RCPT TO:<a@mail.example.com>", parser: parser).Status);
        Assert.Equal(CommandStatus.AddressTooLong, Parse("RCPT TO:<@relay.example.com:a@example.com>", parser: parser).Status);
    }

    [Theory]
    [InlineData("用户@例子.广告")]
    [InlineData("josé@example.com")]
    [InlineData("user@bücher.example")]
    [InlineData("\"josé q\"@example.com")]
    public void UTF8_addresses_need_SMTPUTF8_on_MAIL(string address)
    {
        Assert.Equal((CommandStatus.NonAsciiAddress, "553 5.6.7 Non-ASCII sender address requires SMTPUTF8"), Failure($"MAIL FROM:<{address}>"));
        Assert.Equal((CommandStatus.NonAsciiAddress, "553 5.6.7 Non-ASCII recipient address requires SMTPUTF8"), Failure($"RCPT TO:<{address}>"));

        var sender = Sender($"MAIL FROM:<{address}> SMTPUTF8");
        Assert.True(sender.Parameters.SmtpUtf8);
        Assert.Equal(address.Replace("\"", ""), $"{sender.Path.Mailbox!.LocalPart}@{sender.Path.Mailbox.Domain}");
        Assert.NotNull(Recipient($"RCPT TO:<{address}>", utf8: true).Path.Mailbox);
    }

    [Fact]
    public void UTF8_addresses_are_refused_when_SMTPUTF8_is_not_offered_even_if_sent()
    {
        Assert.Equal((CommandStatus.UnknownParameter, "555 5.5.4 Unsupported MAIL FROM parameter"),
            Failure("MAIL FROM:<josé@example.com> SMTPUTF8", AllButBinaryMime & ~SmtpExtensions.SmtpUtf8));
    }

    [Fact]
    public void A_quoted_pair_may_escape_only_ASCII_even_with_SMTPUTF8()
    {
        Assert.Equal(CommandStatus.InvalidAddress, Parse("RCPT TO:<\"a\\é\"@example.com>", utf8: true).Status);
        Assert.Equal(new Mailbox("aé", "example.com", true), Recipient("RCPT TO:<\"aé\"@example.com>", utf8: true).Path.Mailbox);
    }

    [Fact]
    public void Malformed_UTF8_is_refused_even_with_SMTPUTF8()
    {
        var line = Encoding.ASCII.GetBytes("RCPT TO:<ab@example.com>");
        line[10] = 0xC3; // a lead octet followed by an ASCII octet
        var command = Parser.Parse(line, AllButBinaryMime, smtpUtf8Transaction: true);
        Assert.Equal(CommandStatus.InvalidAddress, command.Status);
    }
}
