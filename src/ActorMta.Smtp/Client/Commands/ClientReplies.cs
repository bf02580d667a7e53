namespace ActorMta.Smtp.Client;

/// <summary>Replies the client makes itself, for a message the server cannot take (see <see cref="TransactionResult.LocalVerdict"/>).</summary>
public static class ClientReplies
{
    /// <summary>RFC 6531 3.2: a message that needs SMTPUTF8 cannot go to a server without it.</summary>
    public static readonly SmtpReply SmtpUtf8NotOffered = new(553, "5.6.7 Message needs SMTPUTF8, which the receiving server does not offer");

    /// <summary>RFC 3030 3: BODY=BINARYMIME needs CHUNKING and BINARYMIME, and this client does not convert.</summary>
    public static readonly SmtpReply BinaryMimeNotOffered = new(554, "5.6.3 Binary message needs CHUNKING and BINARYMIME, which the receiving server does not offer");
}
