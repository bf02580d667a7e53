using System.Net;
using System.Text;
using ActorMta.Smtp.Client;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.Smtp.Tests.Client.Support;

/// <summary>Client options, messages and connections for the socket tests.</summary>
internal static class Outbound
{
    /// <summary>Long enough for a loaded CI machine, short enough that a hang fails the test.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    public static readonly SmtpClientTimeouts Timeouts = new()
    {
        Connect = Patience, Greeting = Patience, Command = Patience, DataInitiation = Patience, DataBlock = Patience, DataTermination = Patience,
    };

    public static SmtpClientOptions Options(TlsPolicy tls = TlsPolicy.None) => new() { HeloName = "client.test", Tls = tls, Timeouts = Timeouts };

    public static Task<SmtpClientSession> ConnectAsync(TestSmtpSink sink, SmtpClientOptions? options = null, IPAddress? localAddress = null) =>
        ConnectAsync(sink.EndPoint, options, localAddress);

    public static async Task<SmtpClientSession> ConnectAsync(EndPoint remote, SmtpClientOptions? options = null, IPAddress? localAddress = null)
    {
        using var deadline = new CancellationTokenSource(Patience * 2);
        return await SmtpClientSession.ConnectAsync(remote, localAddress, options ?? Options(), deadline.Token);
    }

    public static OutboundMessage Message(string body, params string[] recipients) => Message(Encoding.UTF8.GetBytes(body), recipients);

    public static OutboundMessage Message(byte[] body, params string[] recipients) =>
        new("sender@client.test", recipients.Select(r => new OutboundRecipient(r)).ToArray(), body);

    public static Task<TransactionResult> SendAsync(this SmtpClientSession session, OutboundMessage message) =>
        session.SendAsync(message, CancellationToken.None);

    public static RecipientOutcome[] Outcomes(this TransactionResult result) =>
        Enumerable.Range(0, result.RecipientReplies.Count).Select(result.OutcomeOf).ToArray();

    /// <summary>The command lines the sink received, verbs and arguments as sent.</summary>
    public static string[] CommandLines(this TestSmtpSink sink) => sink.Commands.Select(c => c.Line).ToArray();

    /// <summary>Waits until the sink has seen <paramref name="line"/>, so a test never races the sink's bookkeeping.</summary>
    public static Task WaitForCommandAsync(this TestSmtpSink sink, string line) =>
        sink.WaitUntilAsync(s => s.Commands.Any(c => c.Line == line), Patience, $"the command '{line}'");
}
