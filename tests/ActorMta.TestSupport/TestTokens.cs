namespace ActorMta.TestSupport;

/// <summary>Management bearer tokens that test nodes are given (ACTORMTA_MANAGEMENT_*_TOKENS).</summary>
public static class TestTokens
{
    public const string Admin = "admin-token-for-tests-0123456789";
    public const string Read = "read-token-for-tests-0123456789";
    public const string Inject = "inject-token-for-tests-012345678";
}
