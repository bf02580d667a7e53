namespace ActorMta.Delivery.Dns;

/// <summary>Finds where mail for a destination domain goes.</summary>
public interface IMailExchangerResolver
{
    /// <summary>
    /// Resolves <paramref name="domain"/> (a host name, an IDN, or an address literal such as [192.0.2.1]).
    /// Never throws for DNS problems: they come back as a <see cref="MailExchangerResolution.TemporaryFailure"/>
    /// or <see cref="MailExchangerResolution.PermanentFailure"/>.
    /// </summary>
    Task<MailExchangerResolution> ResolveAsync(string domain, CancellationToken cancellationToken = default);
}
