using ActorMta.Ingress.Auth;

namespace ActorMta.Tests.Ingress.Auth;

public sealed class PasswordHashTests
{
    [Fact]
    public void A_hash_verifies_its_password_only()
    {
        var hash = PasswordHash.Create("correct horse", PasswordHash.MinIterations);

        Assert.True(hash.Verify("correct horse"));
        Assert.False(hash.Verify("correct horsE"));
        Assert.False(hash.Verify(""));
    }

    [Fact]
    public void The_text_form_round_trips_and_names_scheme_and_work_factor()
    {
        var hash = PasswordHash.Create("pässwörd", 12_345);

        var text = hash.ToString();
        var parsed = PasswordHash.TryParse(text);

        Assert.Matches(@"^pbkdf2-sha256:12345:[A-Za-z0-9+/=]{24}:[A-Za-z0-9+/=]{44}$", text);
        Assert.NotNull(parsed);
        Assert.True(parsed.Verify("pässwörd"));
    }

    [Fact]
    public void The_same_password_gets_a_new_salt_each_time()
    {
        Assert.NotEqual(PasswordHash.Create("x", PasswordHash.MinIterations).ToString(), PasswordHash.Create("x", PasswordHash.MinIterations).ToString());
    }

    [Fact]
    public void The_default_work_factor_is_owasp_2023()
    {
        Assert.Equal(600_000, PasswordHash.DefaultIterations);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pbkdf2-sha256:600000:c2FsdHNhbHQ=")]
    [InlineData("pbkdf2-sha1:600000:c2FsdHNhbHQ=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256:9999:c2FsdHNhbHQ=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256:many:c2FsdHNhbHQ=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256:600000:not base64:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256:600000:c2FsdHNhbHQ=:AAAA")]
    [InlineData("pbkdf2-sha256:600000:c2FsdA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Malformed_or_weak_hashes_are_not_read(string text)
    {
        Assert.Null(PasswordHash.TryParse(text));
    }
}
