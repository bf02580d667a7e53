namespace ActorMta.Management.Access;

/// <summary>
/// Endpoint metadata for a route that anyone who reaches the endpoint may read, tokens or not, because it
/// shows no data (the dashboard page's own files). Changing state still needs the admin token.
/// </summary>
public sealed class OpenToAnyone
{
    public static readonly OpenToAnyone Instance = new();

    private OpenToAnyone() { }
}
