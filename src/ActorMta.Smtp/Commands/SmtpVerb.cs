namespace ActorMta.Smtp;

/// <summary>The commands this server understands (RFC 5321, 3030, 3207, 4954).</summary>
public enum SmtpVerb
{
    /// <summary>Not one of ours: see <see cref="CommandStatus.UnknownVerb"/> / <see cref="CommandStatus.NotImplemented"/>.</summary>
    None,
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Bdat,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Help,
    StartTls,
    Auth,
}
