namespace ActorMta.Ingress.Listeners;

/// <summary>What a listener is for; it decides TLS, AUTH and who may send mail through it.</summary>
public enum ListenerRole
{
    /// <summary>Port 25 style: STARTTLS offered; mail to anywhere from trusted networks or authenticated clients, else only for accepted domains.</summary>
    Relay,

    /// <summary>Port 587 (RFC 6409): STARTTLS, then AUTH, before MAIL.</summary>
    Submission,

    /// <summary>Port 465 (RFC 8314): implicit TLS from the first octet, then AUTH before MAIL.</summary>
    Smtps,
}
