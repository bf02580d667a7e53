using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ActorMta.IntegrationTests.Delivery;

/// <summary>MailKit as the submitting application: messages (<see cref="ActorMta.TestSupport.Smtp.TestMessages"/>) into a node's relay listener.</summary>
internal static class RelayClient
{
    /// <summary>Sends each message in one session, with the envelope given (null reverse-path as "").</summary>
    public static async Task SendAsync(int port, IEnumerable<MimeMessage> messages, string reversePath, params string[] recipients)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        foreach (var message in messages)
        {
            var sender = reversePath.Length == 0 ? new MailboxAddress("", "") : MailboxAddress.Parse(reversePath);
            await client.SendAsync(message, sender, recipients.Select(MailboxAddress.Parse));
        }
        await client.DisconnectAsync(quit: true);
    }

    /// <summary>Sends <paramref name="messages"/> over <paramref name="sessions"/> parallel sessions.</summary>
    public static Task SendInParallelAsync(int port, IReadOnlyList<MimeMessage> messages, int sessions, string reversePath, params string[] recipients) =>
        Task.WhenAll(Enumerable.Range(0, sessions).Select(s =>
            SendAsync(port, messages.Where((_, i) => i % sessions == s), reversePath, recipients)));
}
