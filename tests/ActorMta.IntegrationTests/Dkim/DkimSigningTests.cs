using System.Net;
using System.Text;
using ActorMta.TestSupport;
using MimeKit;

namespace ActorMta.IntegrationTests.Dkim;

/// <summary>
/// Mail signed at accept (SMTP and the injection API) reaches real sinks and verifies with MimeKit's DkimVerifier,
/// the key found in the loopback DNS as `actormta dkim keygen` printed it: rsa-sha256 and ed25519-sha256, 8-bit
/// content through a next hop without 8BITMIME, a spooled (large) message, a key rotated and a selector switched without a restart.
/// </summary>
public sealed class DkimSigningTests(DkimNode fixture) : IClassFixture<DkimNode>
{
    [Theory]
    [InlineData("rsa.test", "rsa-sha256", "s2048")]
    [InlineData("ed.test", "ed25519-sha256", "e1")]
    public async Task Mail_through_smtp_is_signed_once_and_verifies_and_a_changed_body_does_not(string domain, string algorithm, string selector)
    {
        var recipient = $"smtp-{selector}@example.test";
        var submitted = await fixture.SubmitAsync($"app@{domain}", recipient, DkimNode.Message($"app@{domain}", recipient, "Hello", "Plain text.\r\nSecond line."));
        Assert.Equal(250, submitted.Code);

        var received = await fixture.WaitForAsync(fixture.Sink, recipient);
        var message = MimeMessage.Load(new MemoryStream(received.Body));
        var signature = Assert.Single(message.Headers, h => h.Id == HeaderId.DkimSignature).Value;
        Assert.Contains($"a={algorithm};", signature);
        Assert.Contains($"d={domain};", signature);
        Assert.Contains($"s={selector};", signature);
        Assert.Contains("c=relaxed/relaxed;", signature);
        // Over-signed: From, To, Subject and Date are each listed once more than the message has them.
        var signed = signature.Split("h=")[1].Split(';')[0].Replace(" ", "", StringComparison.Ordinal).Replace("\r\n", "", StringComparison.Ordinal).Split(':');
        foreach (var field in new[] { "from", "to", "subject", "date" }) Assert.Equal(2, signed.Count(f => f == field));
        Assert.True(await fixture.VerifyAsync(received.Body));
        await fixture.SaveAsync($"smtp-{algorithm}", received.Body);

        var tampered = Encoding.UTF8.GetBytes(received.BodyText.Replace("Plain text.", "Plain text!", StringComparison.Ordinal));
        Assert.False(await fixture.VerifyAsync(tampered));
        var addedSubject = Encoding.UTF8.GetBytes(received.BodyText.Replace("Subject: Hello\r\n", "Subject: Hello\r\nSubject: Buy now\r\n", StringComparison.Ordinal));
        Assert.False(await fixture.VerifyAsync(addedSubject));
    }

    [Theory]
    [InlineData("rsa.test", "rsa-sha256")]
    [InlineData("ed.test", "ed25519-sha256")]
    public async Task Mail_through_the_injection_api_verifies(string domain, string algorithm)
    {
        var recipient = $"inject-{algorithm}@example.test";
        var (status, _) = await fixture.InjectAsync(new
        {
            envelope_sender = $"bounces@{domain}",
            content = DkimNode.Message($"news@{domain}", recipient, "Injected", "Injected over HTTP."),
            recipients = new[] { new { email = recipient } },
        });
        Assert.Equal(HttpStatusCode.OK, status);

        var received = await fixture.WaitForAsync(fixture.Sink, recipient);
        Assert.Contains($"d={domain};", MimeMessage.Load(new MemoryStream(received.Body)).Headers[HeaderId.DkimSignature]);
        Assert.True(await fixture.VerifyAsync(received.Body));
        await fixture.SaveAsync($"inject-{algorithm}", received.Body);
    }

    [Theory]
    [InlineData("rsa.test", "rsa-sha256")]
    [InlineData("ed.test", "ed25519-sha256")]
    public async Task Eight_bit_mail_is_signed_in_its_seven_bit_form_and_verifies_at_a_hop_without_8bitmime(string domain, string algorithm)
    {
        var recipient = $"eight-{algorithm}@seven.test";
        var submitted = await fixture.SubmitAsync($"app@{domain}", recipient, DkimNode.Message($"app@{domain}", recipient, "Umlaut", "Grüße aus Köln, naïve café.", eightBit: true));
        Assert.Equal(250, submitted.Code);

        var received = await fixture.WaitForAsync(fixture.SevenBitSink, recipient);
        Assert.DoesNotContain(received.Body, b => b > 127);
        Assert.Contains("Content-Transfer-Encoding: quoted-printable", received.BodyText);
        Assert.DoesNotContain(received.MailParameters, p => p.Equals("BODY=8BITMIME", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("Grüße aus Köln, naïve café.", Assert.IsType<TextPart>(MimeMessage.Load(new MemoryStream(received.Body)).Body).Text.TrimEnd());
        Assert.True(await fixture.VerifyAsync(received.Body));
        await fixture.SaveAsync($"sevenbit-{algorithm}", received.Body);
    }

    [Fact]
    public async Task A_large_spooled_message_is_signed_and_verifies()
    {
        const string recipient = "large@example.test";
        var text = string.Join("\r\n", Enumerable.Range(0, 4000).Select(i => $"line {i} " + new string((char)('a' + i % 26), 60)));
        var submitted = await fixture.SubmitAsync("app@rsa.test", recipient, DkimNode.Message("app@rsa.test", recipient, "Large", text));
        Assert.Equal(250, submitted.Code);

        var received = await fixture.WaitForAsync(fixture.Sink, recipient);
        Assert.True(received.Body.Length > 256 * 1024);
        Assert.True(await fixture.VerifyAsync(received.Body));
        // Nothing left behind in the spool: the unsigned file and the signed one are both gone once stored.
        await Eventually.True(() => Task.FromResult(!Directory.EnumerateFiles(Path.Combine(fixture.Node.DataDirectory, "spool")).Any()), TimeSpan.FromSeconds(10), "spool emptied");
    }

    [Fact]
    public async Task Mail_from_a_domain_without_a_key_is_not_signed()
    {
        const string recipient = "unsigned@example.test";
        Assert.Equal(250, (await fixture.SubmitAsync("app@other.test", recipient, DkimNode.Message("app@other.test", recipient, "No key", "x"))).Code);

        var received = await fixture.WaitForAsync(fixture.Sink, recipient);
        Assert.DoesNotContain("DKIM-Signature", received.BodyText, StringComparison.OrdinalIgnoreCase);
        Assert.False(await fixture.VerifyAsync(received.Body));
    }

    [Fact]
    public async Task A_replaced_key_file_signs_the_next_message_without_a_restart()
    {
        var before = await SendAsync("rotate-before@example.test");
        Assert.True(await fixture.VerifyAsync(before.Body));

        // The operator makes a new key elsewhere, publishes it and moves it over the old file (an atomic replace).
        using var staging = new TempDirectory();
        await fixture.KeygenAsync("rotate.test", "old", "ed25519-sha256", staging.Path);
        File.Move(Path.Combine(staging.Path, "rotate.test.old.pem"), Path.Combine(fixture.KeyDirectory, "rotate.test.old.pem"), overwrite: true);

        // Taken when the watcher of the key folder sees it (off the signing path): mail until one is signed with the new key.
        var after = await SendUntilAsync("rotate.test", "rotate-after", received => fixture.VerifyAsync(received.Body));
        Assert.True(await fixture.VerifyAsync(after.Body));
        // The first message was signed with the old key, which DNS no longer has.
        Assert.False(await fixture.VerifyAsync(before.Body));
    }

    [Fact]
    public async Task Switching_the_active_selector_in_the_config_file_takes_effect_without_a_restart_and_an_invalid_switch_is_not_taken()
    {
        var before = await SendAsync("switch-before@example.test", "switch.test");
        Assert.Contains("s=s1;", Signature(before));

        fixture.RewriteConfig("active = s1", "active = s2");
        var after = await SendUntilAsync("switch.test", "switch-after", received => Task.FromResult(Signature(received).Contains("s=s2;", StringComparison.Ordinal)));
        Assert.True(await fixture.VerifyAsync(before.Body));
        Assert.True(await fixture.VerifyAsync(after.Body));
        Assert.Equal(1, await fixture.Node.GetLabelledMetricAsync("actormta_dkim_active_selector", ("domain", "switch.test"), ("selector", "s2")));

        var rejected = await fixture.Node.GetMetricAsync("actormta_dkim_reloads_rejected_total") ?? 0;
        try
        {
            fixture.RewriteConfig("active = s2", "active = nosuch");
            await Eventually.True(async () => await fixture.Node.GetMetricAsync("actormta_dkim_reloads_rejected_total") > rejected,
                TimeSpan.FromSeconds(30), "the invalid switch is refused");
            var still = await SendAsync("switch-still@example.test", "switch.test");
            Assert.Contains("s=s2;", Signature(still));
            Assert.True(await fixture.VerifyAsync(still.Body));
        }
        finally
        {
            // Valid again, for the other tests of the fixture (a key file change is taken only with valid settings).
            fixture.RewriteConfig("active = nosuch", "active = s1");
        }
    }

    private static string Signature(TestSupport.Smtp.ReceivedMessage received) =>
        MimeMessage.Load(new MemoryStream(received.Body)).Headers[HeaderId.DkimSignature] ?? "";

    private async Task<TestSupport.Smtp.ReceivedMessage> SendAsync(string recipient, string domain = "rotate.test")
    {
        Assert.Equal(250, (await fixture.SubmitAsync($"app@{domain}", recipient, DkimNode.Message($"app@{domain}", recipient, "Rotation", "x"))).Code);
        return await fixture.WaitForAsync(fixture.Sink, recipient);
    }

    /// <summary>Sends mail from <paramref name="domain"/> until one arrives that <paramref name="done"/> accepts (a change is taken a moment after the file's).</summary>
    private async Task<TestSupport.Smtp.ReceivedMessage> SendUntilAsync(string domain, string prefix, Func<TestSupport.Smtp.ReceivedMessage, Task<bool>> done)
    {
        var attempt = 0;
        TestSupport.Smtp.ReceivedMessage? last = null;
        await Eventually.True(async () =>
        {
            last = await SendAsync($"{prefix}-{++attempt}@example.test", domain);
            return await done(last);
        }, TimeSpan.FromSeconds(60), $"mail from {domain} signed as expected");
        return last!;
    }
}
