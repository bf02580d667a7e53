using System.Text;
using ActorMta.Queue;
using ActorMta.Queue.Bodies;
using ActorMta.Tests.Ingress.Support;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>Large messages go to a spool file as they arrive (memory per upload is bounded by the threshold), small ones stay in memory.</summary>
public sealed class SpoolTests : IngressTestKit
{
    private const string Threshold = "actormta.smtp.spool-threshold = 64KiB";

    private static string LargeMessage(int lines) =>
        "Subject: large\r\n\r\n" + string.Concat(Enumerable.Range(0, lines).Select(i => $"line {i:D7} of a large message, with some padding to make it long\r\n"));

    [Theory]
    [InlineData("DATA")]
    [InlineData("BDAT")]
    public async Task A_message_past_the_threshold_reaches_the_queue_as_a_spool_file_byte_exact(string verb)
    {
        using var directory = new TempDirectory();
        var spool = Path.Combine(directory.Path, "spool");
        await using var bed = new IngressTestBed(this, Threshold, spoolDirectory: spool);
        await using var client = await bed.HelloAsync();
        var message = LargeMessage(20_000); // about 1.4 MB

        if (verb == "DATA")
        {
            await IngressTestBed.SendMessageAsync(client, "sender@example.com", ["rcpt@example.org"], message);
        }
        else
        {
            Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<sender@example.com>"));
            Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<rcpt@example.org>"));
            var octets = Encoding.ASCII.GetBytes(message);
            var half = octets.Length / 2;
            await client.SendAsync($"BDAT {half}\r\n");
            await client.SendBytesAsync(octets[..half]);
            Assert.StartsWith("250", await client.ReadReplyAsync());
            await client.SendAsync($"BDAT {octets.Length - half} LAST\r\n");
            await client.SendBytesAsync(octets[half..]);
        }
        var enqueue = await bed.ExpectEnqueueAsync();

        Assert.True(enqueue.Body.IsEmpty);
        var spooled = Assert.IsType<SpooledBody>(enqueue.Spooled);
        Assert.Equal(spool, Path.GetDirectoryName(spooled.Path));
        var stored = await File.ReadAllBytesAsync(spooled.Path);
        Assert.Equal(stored.Length, spooled.Length);
        Assert.Equal(message, IngressTestBed.Content(enqueue with { Body = stored }));
        bed.Enqueued("01ABCDEFGHJKMNPQ00");
        Assert.Equal("250 2.0.0 Ok: queued as 01ABCDEFGHJKMNPQ00", await client.ReadReplyAsync());
        spooled.Delete(); // the intake's body writer would
    }

    [Fact]
    public async Task A_message_up_to_the_threshold_stays_in_memory()
    {
        using var directory = new TempDirectory();
        var spool = Path.Combine(directory.Path, "spool");
        await using var bed = new IngressTestBed(this, Threshold, spoolDirectory: spool);
        await using var client = await bed.HelloAsync();

        await IngressTestBed.SendMessageAsync(client, "sender@example.com", ["rcpt@example.org"], LargeMessage(100));
        var enqueue = await bed.ExpectEnqueueAsync();

        Assert.Null(enqueue.Spooled);
        Assert.Equal(LargeMessage(100), IngressTestBed.Content(enqueue));
        Assert.False(Directory.Exists(spool) && Directory.EnumerateFiles(spool).Any());
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_message_leaves_no_spool_file()
    {
        using var directory = new TempDirectory();
        var spool = Path.Combine(directory.Path, "spool");
        await using var bed = new IngressTestBed(this, Threshold, spoolDirectory: spool);
        var client = await bed.HelloAsync();
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<sender@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<rcpt@example.org>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendAsync(LargeMessage(5_000));
        await Eventually.True(() => Task.FromResult(Directory.Exists(spool) && Directory.EnumerateFiles(spool).Any()),
            TimeSpan.FromSeconds(15), "the message being spooled");

        await client.DisposeAsync();

        await Eventually.True(() => Task.FromResult(!Directory.EnumerateFiles(spool).Any()), TimeSpan.FromSeconds(15),
            "the spool file deleted once the connection is gone");
        bed.ExpectNothingQueued();
    }

    [Fact]
    public async Task A_message_that_cannot_be_spooled_gets_451_and_the_session_goes_on()
    {
        using var directory = new TempDirectory();
        var spool = Path.Combine(directory.Path, "spool");
        File.WriteAllText(spool, "a file where the spool directory should be, as a full disk would refuse it");
        await using var bed = new IngressTestBed(this, Threshold, spoolDirectory: spool);
        await using var client = await bed.HelloAsync();

        await IngressTestBed.SendMessageAsync(client, "sender@example.com", ["rcpt@example.org"], LargeMessage(5_000));

        Assert.Equal("451 4.3.1 Error: insufficient system storage, try again later", await client.ReadReplyAsync());
        bed.ExpectNothingQueued();
        await IngressTestBed.SendMessageAsync(client, "sender@example.com", ["rcpt@example.org"], "Subject: small\r\n\r\nfits in memory\r\n");
        Assert.Equal("Subject: small\r\n\r\nfits in memory\r\n", IngressTestBed.Content(await bed.ExpectEnqueueAsync()));
    }

    [Fact]
    public void A_start_removes_what_a_crash_left_in_the_spool()
    {
        using var directory = new TempDirectory();
        var spool = new BodySpool(Path.Combine(directory.Path, "spool"));
        using (spool.Create(out _)) { }
        using (spool.Create(out _)) { }

        Assert.Equal(2, spool.RemoveLeftovers());
        Assert.Empty(Directory.GetFiles(spool.Directory));
    }
}
