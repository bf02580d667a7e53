namespace ActorMta.Management.Access;

/// <summary>What a management bearer token may do.</summary>
[Flags]
public enum ManagementScope
{
    None = 0,
    /// <summary>GET routes: health detail, members, queue, domains, metrics. Needed only when the endpoint is bound beyond loopback.</summary>
    Read = 1,
    /// <summary>Every route that changes state (suspend, resume, leave, ...), even on loopback; reading too.</summary>
    Admin = 2,
    /// <summary>Handing mail in over HTTP (the injection API) and nothing else.</summary>
    Inject = 4,
}
