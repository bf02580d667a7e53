using ActorMta.Ingress.Auth;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Ingress.Auth;

public sealed class CredentialStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private string FilePath => Path.Combine(_directory.Path, "credentials");

    [Fact]
    public void Added_users_verify_and_others_do_not()
    {
        CredentialStore.AddUser(FilePath, "alice", "one", PasswordHash.MinIterations);
        CredentialStore.AddUser(FilePath, "bob", "two", PasswordHash.MinIterations);
        var store = new CredentialStore(FilePath);

        Assert.Equal(2, store.Count);
        Assert.True(store.Verify("alice", "one"));
        Assert.True(store.Verify("bob", "two"));
        Assert.False(store.Verify("alice", "two"));
        Assert.False(store.Verify("carol", "one"));
        Assert.False(store.Verify("Alice", "one")); // user names are exact
    }

    [Fact]
    public void Adding_a_user_again_replaces_the_password()
    {
        CredentialStore.AddUser(FilePath, "alice", "old", PasswordHash.MinIterations);
        CredentialStore.AddUser(FilePath, "alice", "new", PasswordHash.MinIterations);
        var store = new CredentialStore(FilePath);

        Assert.Equal(1, store.Count);
        Assert.True(store.Verify("alice", "new"));
        Assert.False(store.Verify("alice", "old"));
    }

    [Fact]
    public void The_file_is_one_line_per_user_and_readable_by_its_owner_only()
    {
        CredentialStore.AddUser(FilePath, "alice", "one", PasswordHash.MinIterations);

        var lines = File.ReadAllLines(FilePath).Where(l => !l.StartsWith('#')).ToArray();
        Assert.Matches(@"^alice:pbkdf2-sha256:10000:[^:]+:[^:]+$", Assert.Single(lines));
        Assert.DoesNotContain("one", lines[0].Split(':')[0..2]);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
    }

    [Fact]
    public void A_running_store_sees_users_added_later()
    {
        var store = new CredentialStore(FilePath); // no file yet: no users
        Assert.False(store.Verify("alice", "one"));

        CredentialStore.AddUser(FilePath, "alice", "one", PasswordHash.MinIterations);

        Assert.True(store.Verify("alice", "one"));
    }

    [Fact]
    public void A_file_broken_later_keeps_the_users_already_read()
    {
        CredentialStore.AddUser(FilePath, "alice", "one", PasswordHash.MinIterations);
        var store = new CredentialStore(FilePath);

        File.AppendAllText(FilePath, "half-written line\n");

        Assert.True(store.Verify("alice", "one"));
    }

    [Theory]
    [InlineData("alice\n")]
    [InlineData("alice:pbkdf2-sha256:1000:c2FsdHNhbHQ=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")]
    [InlineData(":pbkdf2-sha256:600000:c2FsdHNhbHQ=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")]
    public void A_malformed_file_at_start_up_names_the_line(string content)
    {
        File.WriteAllText(FilePath, "# comment\n\n" + content);

        var error = Assert.Throws<FormatException>(() => new CredentialStore(FilePath));
        Assert.StartsWith("line 3 is not user:pbkdf2-sha256:", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a:b")]
    [InlineData("a b")]
    [InlineData("a\tb")]
    public void Bad_user_names_are_refused(string user)
    {
        Assert.False(CredentialStore.IsValidUserName(user));
        Assert.Throws<ArgumentException>(() => CredentialStore.AddUser(FilePath, user, "pw", PasswordHash.MinIterations));
    }

    public void Dispose() => _directory.Dispose();
}
