using ActorMta.Configuration;
using ActorMta.Delivery.Classification;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Delivery.Classification;

public sealed class BounceClassifierTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>Replies as the big mailbox providers and common servers send them ("code enhanced text"), and their class.</summary>
    public static TheoryData<string, string> RealWorldReplies => new()
    {
        // Gmail
        { "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser", "InvalidRecipient" },
        { "552 5.2.2 The recipient's inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm", "InactiveMailbox" },
        { "452 4.2.2 The recipient's inbox is out of storage space and inbound mail cannot be delivered. https://support.google.com/mail/?p=OverQuotaTemp", "QuotaIssues" },
        { "550 5.2.1 The email account that you tried to reach is disabled. https://support.google.com/mail/?p=DisabledUser", "InactiveMailbox" },
        { "450 4.2.1 The user you are trying to contact is receiving mail too quickly. Please resend your message at a later time. https://support.google.com/mail/?p=ReceivingRate", "TransientFailure" },
        { "421 4.7.28 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited.", "SpamBlock" },
        { "550 5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked. https://support.google.com/mail/?p=UnsolicitedMessageError", "SpamContent" },
        { "550 5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.", "AuthenticationFailed" },
        { "550 5.7.25 [192.0.2.1] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP.", "BadConfiguration" },
        { "552 5.7.0 This message was blocked because its content presents a potential security issue. https://support.google.com/mail/?p=BlockedMessage", "ProhibitedAttachment" },
        { "550 5.7.1 Message contains a virus; our malware scanner refused it", "VirusRelated" },
        // Microsoft (Outlook.com, Microsoft 365)
        { "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [AM1EUR02FT012.eop-EUR02.prod.protection.outlook.com]", "InvalidRecipient" },
        { "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", "InvalidRecipient" },
        { "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [DB5EUR03FT011.eop-EUR03.prod.protection.outlook.com]", "InvalidRecipient" },
        { "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).", "SpamBlock" },
        { "550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal from this list please visit https://sender.office.com/", "SpamBlock" },
        { "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.", "SpamBlock" },
        { "451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (S77714) [CO1NAM11FT012.eop-nam11.prod.protection.outlook.com]", "TransientFailure" },
        { "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded", "QuotaIssues" },
        { "550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification and has a DMARC policy of reject.", "AuthenticationFailed" },
        { "550 5.7.515 Access denied, sending domain example.com doesn't meet the required authentication level.", "AuthenticationFailed" },
        // Yahoo and AOL
        { "554 5.7.9 Message not accepted for policy reasons.  See https://senders.yahooinc.com/error-codes", "PolicyRelated" },
        { "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://senders.yahooinc.com/error-codes", "SpamBlock" },
        { "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's list; see https://senders.yahooinc.com/error-codes", "SpamBlock" },
        { "552 1 Requested mail action aborted, mailbox not found", "InvalidRecipient" },
        { "554 delivery error: dd This user doesn't have a yahoo.com account (someone@yahoo.com) [0] - mta1234.mail.ne1.yahoo.com", "InvalidRecipient" },
        { "554 delivery error: dd Sorry your message to someone@yahoo.com cannot be delivered. This mailbox is disabled (554.30). - mta1234.mail.bf1.yahoo.com", "InactiveMailbox" },
        { "550 5.7.9 This mail has been blocked because the sender is unauthenticated. Yahoo requires all senders to authenticate with either SPF or DKIM.", "AuthenticationFailed" },
        // Apple iCloud
        { "550 5.1.1 <someone@icloud.com>: user does not exist", "InvalidRecipient" },
        { "554 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137", "PolicyRelated" },
        // Postfix, Exim, filters and others
        { "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in virtual mailbox table", "InvalidRecipient" },
        { "554 5.7.1 <someone@example.org>: Relay access denied", "RelayDenied" },
        { "550 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1", "SpamBlock" },
        { "450 4.2.0 <someone@example.org>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/help/example.org.html", "TransientFailure" },
        { "450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.1]", "BadConfiguration" },
        { "553 5.1.8 <bounce@example.com>: Sender address rejected: Domain not found", "InvalidSender" },
        { "552 5.3.4 Message size exceeds fixed limit", "QuotaIssues" },
        { "452 4.5.3 Too many recipients", "TooManyRecipients" },
        { "554 5.4.6 Hop count exceeded - possible mail loop", "RoutingErrors" },
        { "500 5.5.1 Command unrecognized: \"XYZZY\"", "ProtocolErrors" },
        { "530 5.7.0 Must issue a STARTTLS command first", "AuthenticationFailed" },
        { "550 5.7.1 Message rejected as spam by Content Filtering.", "SpamContent" },
        { "421 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later", "TransientFailure" },
        { "556 5.1.10 Recipient address has null MX", "BadDomain" },
        { "550 5.1.2 Host unknown; domain name not found", "BadDomain" },
        // Replies ActorMta makes up when no server answered
        { "451 4.4.1 connection to 192.0.2.1:25 timed out", "NoAnswerFromHost" },
        { "421 4.4.2 connection lost during the transaction", "BadConnection" },
        { "451 4.4.3 DNS lookup for example.org failed: SERVFAIL", "DNSFailure" },
        { "550 5.4.4 destination 10.0.0.1 is a private address", "RoutingErrors" },
        { "550 5.4.7 message expired after 5 days in the queue", "MessageExpired" },
        { "554 5.6.3 conversion to 7 bit is not possible", "ContentRelated" },
        { "250 2.0.0 OK", "Uncategorized" },
        { "599 9.9.9 something no rule knows", "Uncategorized" },
    };

    [Theory]
    [MemberData(nameof(RealWorldReplies))]
    public void A_real_world_reply_gets_its_class(string line, string expected)
    {
        var parts = line.Split(' ', 3);
        var hasEnhanced = parts.Length > 2 && parts[1].Count(c => c == '.') == 2 && char.IsDigit(parts[1][0]);
        var text = hasEnhanced ? parts[2] : line[4..];

        Assert.Equal(expected, BounceClassifier.Builtin.Classify(int.Parse(parts[0]), hasEnhanced ? parts[1] : null, text));
    }

    [Fact]
    public void Every_class_used_by_the_built_in_rules_is_one_of_kumomtas()
    {
        var ours = RealWorldReplies.Select(row => (string)row[1]).Distinct().ToArray();
        Assert.True(ours.Length >= 20, $"the table covers {ours.Length} classes");
        Assert.All(ours, name => Assert.Contains(name, BounceClass.Predefined));
    }

    [Fact]
    public void An_operators_file_comes_first_and_is_read_again_when_it_changes_and_a_broken_edit_keeps_the_last_rules()
    {
        var file = Path.Combine(_data.Path, "bounces.toml");
        File.WriteAllText(file, "[rules]\nPolicyRelated = [\"^550 5\\\\.1\\\\.1 .*vip\"]\n");
        var failures = new List<string>();
        using var classifier = new BounceClassifier(new BounceClassificationSettings([file], true, TimeSpan.Zero), failures.Add);

        Assert.Equal("PolicyRelated", classifier.Classify(550, "5.1.1", "vip user refused"));
        Assert.Equal("InvalidRecipient", classifier.Classify(550, "5.1.1", "user unknown"));

        File.WriteAllText(file, "[rules]\nOurOwnClass = [\"user unknown\"]\n");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));
        Assert.True(classifier.Reload());
        Assert.Equal("OurOwnClass", classifier.Classify(550, "5.1.1", "user unknown"));

        File.WriteAllText(file, "[rules]\nBroken = [\"(unclosed\"]\n");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(10));
        Assert.False(classifier.Reload());
        Assert.Contains(failures, f => f.Contains("rules.Broken"));
        Assert.Equal("OurOwnClass", classifier.Classify(550, "5.1.1", "user unknown"));
    }

    [Fact]
    public async Task The_watcher_notices_an_edited_rules_file_without_a_restart()
    {
        var file = Path.Combine(_data.Path, "bounces.toml");
        File.WriteAllText(file, "[rules]\nSpamBlock = [\"first\"]\n");
        using var classifier = new BounceClassifier(new BounceClassificationSettings([file], false, TimeSpan.Zero));
        Assert.Equal("SpamBlock", classifier.Classify(550, null, "first"));

        File.WriteAllText(file, "[rules]\nQuotaIssues = [\"first\"]\n");

        await Eventually.True(() => Task.FromResult(classifier.Classify(550, null, "first") == "QuotaIssues"), TimeSpan.FromSeconds(20), "the edited rule in force");
    }

    [Fact]
    public void A_file_that_is_not_rules_stops_the_start_with_the_setting_named()
    {
        var file = Path.Combine(_data.Path, "bounces.toml");
        File.WriteAllText(file, "rules = 3\n");

        var refused = Assert.Throws<SettingException>(() => new BounceClassifier(new BounceClassificationSettings([file], true, TimeSpan.Zero)));

        Assert.Equal("actormta.delivery.bounce-classification.files", refused.Path);
        Assert.Contains("no [rules] table", refused.Message);
    }
}
