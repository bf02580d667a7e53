namespace ActorMta.Smtp.Client;

/// <summary>Where an outbound session failed before (or outside) a transaction.</summary>
public enum SessionStage { Connect, Greeting, Ehlo, StartTls, Auth, Transaction, Quit }

/// <summary>
/// The session failed as a whole: no connection, a refusing greeting, a failed TLS handshake or
/// AUTH, a timeout, a malformed reply. <see cref="Reply"/> is the server's reply when there was
/// one; <see cref="IsPermanent"/> says whether trying again later can help.
/// </summary>
public sealed class SmtpClientException(SessionStage stage, string message, SmtpReply? reply = null, bool isPermanent = false, Exception? inner = null)
    : Exception(message, inner)
{
    public SessionStage Stage { get; } = stage;
    public SmtpReply? Reply { get; } = reply;
    public bool IsPermanent { get; } = isPermanent;
}
