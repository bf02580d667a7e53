using ActorMta.Configuration;
using ActorMta.TestSupport;
using ActorMta.Tests.Ingress.Support;
using static ActorMta.Tests.Ingress.Support.IngressTestBed;

namespace ActorMta.Tests.Ingress.Sessions;

/// <summary>
/// Issue 10 item 6, backscatter: an accepted domain may say which recipients exist
/// (actormta.smtp.recipient-validation); unknown ones are refused at RCPT with 550 5.1.1, over a real session.
/// </summary>
public sealed class RecipientValidationTests : IngressTestKit
{
    private static string Settings(string domainEntry) => $$"""
        actormta.smtp.accepted-domains = ["accepted.example", "open.example"]
        actormta.smtp.recipient-validation { "accepted.example" { {{domainEntry}} } }
        actormta.smtp.recipient-validation-check-interval = 20ms
        """;

    private static async Task<WireClient> SenderAsync(IngressTestBed bed)
    {
        var client = await bed.HelloAsync(Untrusted);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<someone@elsewhere.example>"));
        return client;
    }

    [Fact]
    public async Task A_users_file_names_the_recipients_that_exist_and_is_read_again_when_it_changes()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "users.txt");
        await File.WriteAllTextAsync(file, "# users of accepted.example\nalice\n\nBob@accepted.example\n");
        await using var bed = new IngressTestBed(this, Settings($"users-file = {Hocon.Quote(file)}"));
        await using var client = await SenderAsync(bed);

        Assert.Equal("250 2.1.5 Recipient ok", await client.CommandAsync("RCPT TO:<alice@accepted.example>"));
        Assert.Equal("250 2.1.5 Recipient ok", await client.CommandAsync("RCPT TO:<bob@Accepted.Example>"));
        Assert.Equal("550 5.1.1 <carol@accepted.example>: Recipient address rejected: User unknown",
            await client.CommandAsync("RCPT TO:<carol@accepted.example>"));
        // A domain without validation keeps today's behaviour: any local part.
        Assert.Equal("250 2.1.5 Recipient ok", await client.CommandAsync("RCPT TO:<carol@open.example>"));

        await File.AppendAllTextAsync(file, "carol\n");
        await Eventually.Returns(() => client.CommandAsync("RCPT TO:<carol@accepted.example>"), reply => reply.StartsWith("250"),
            TimeSpan.FromSeconds(10), "carol known after the file changed");
    }

    [Fact]
    public async Task A_users_directory_knows_the_users_that_have_a_directory()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(directory.Path, "alice", "new"));
        await using var bed = new IngressTestBed(this, Settings($"users-directory = {Hocon.Quote(directory.Path)}"));
        await using var client = await SenderAsync(bed);

        Assert.Equal("250 2.1.5 Recipient ok", await client.CommandAsync("RCPT TO:<alice@accepted.example>"));
        Assert.Equal("550 5.1.1 <mallory@accepted.example>: Recipient address rejected: User unknown",
            await client.CommandAsync("RCPT TO:<mallory@accepted.example>"));
        Assert.Equal("550 5.1.1 <\"../alice\"@accepted.example>: Recipient address rejected: User unknown",
            await client.CommandAsync("RCPT TO:<\"../alice\"@accepted.example>"));
        Assert.Equal("250 2.1.5 Recipient ok", await client.CommandAsync("RCPT TO:<postmaster>"));
    }

    [Fact]
    public void A_users_file_that_does_not_exist_stops_the_node()
    {
        var error = Assert.Throws<SettingException>(() => LoadSettings(Settings("users-file = \"/nonexistent/users.txt\"")));
        Assert.Contains("users-file", error.Message);
    }

    [Fact]
    public void An_entry_needs_exactly_one_source()
    {
        Assert.Throws<SettingException>(() => LoadSettings(Settings("")));
        Assert.Throws<SettingException>(() => LoadSettings(Settings("users-file = \"a\", users-directory = \"b\"")));
    }
}
