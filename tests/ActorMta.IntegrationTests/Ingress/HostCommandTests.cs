using System.Net;
using System.Net.Sockets;
using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;
using MailKit.Security;

namespace ActorMta.IntegrationTests.Ingress;

/// <summary>The real executable: `adduser`, and the ingress settings failing the start with exit code 2 and one line.</summary>
public sealed class HostCommandTests
{
    [Fact]
    public async Task Adduser_writes_the_credentials_file_the_config_names_and_a_running_node_accepts_the_user()
    {
        using var data = new TempDirectory();
        var environment = IngressNode.Environment(data.Path);
        await using var node = await TestNode.StartAsync(environment);

        var (exitCode, output) = await RunHostAsync(environment, "pass phrase of carol\n", "adduser", "carol");

        Assert.Equal(0, exitCode);
        Assert.Equal($"actormta: user carol written to {Path.Combine(data.Path, "credentials")}", output.Trim());
        Assert.Matches(@"^carol:pbkdf2-sha256:600000:", File.ReadAllLines(Path.Combine(data.Path, "credentials")).Last());
        using var client = IngressNode.MailKit();
        await IngressNode.ConnectAsync(client, node.SmtpEndPoints["submission"], SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("carol", "pass phrase of carol");
    }

    [Theory]
    [InlineData("", "actormta: invalid setting adduser = \"carol\": expected a password on stdin (one line, not empty)")]
    public async Task Adduser_without_a_password_exits_2(string stdin, string expected)
    {
        using var data = new TempDirectory();

        var (exitCode, output) = await RunHostAsync(IngressNode.Environment(data.Path), stdin, "adduser", "carol");

        Assert.Equal(2, exitCode);
        Assert.Equal(expected, output.Trim());
        Assert.False(File.Exists(Path.Combine(data.Path, "credentials")));
    }

    [Theory]
    [InlineData("adduser")]
    [InlineData("user add")]
    public async Task Adduser_with_a_bad_name_exits_2(string command)
    {
        using var data = new TempDirectory();

        var (exitCode, output) = await RunHostAsync(IngressNode.Environment(data.Path), "pw\n", [.. command.Split(' '), "car:ol"]);

        Assert.Equal(2, exitCode);
        Assert.Equal("actormta: invalid setting adduser = \"car:ol\": expected a user name of 1 to 256 characters without ':', spaces or control characters", output.Trim());
    }

    [Fact]
    public async Task User_add_is_adduser_under_the_cli_s_name()
    {
        using var data = new TempDirectory();

        var (exitCode, output) = await RunHostAsync(IngressNode.Environment(data.Path), "pass phrase of dave\n", "user", "add", "dave");

        Assert.Equal(0, exitCode);
        Assert.Equal($"actormta: user dave written to {Path.Combine(data.Path, "credentials")}", output.Trim());
        Assert.Matches(@"^dave:pbkdf2-sha256:600000:", File.ReadAllLines(Path.Combine(data.Path, "credentials")).Last());
    }

    [Fact]
    public async Task Invalid_trusted_networks_stop_the_start_with_one_line()
    {
        using var data = new TempDirectory();
        var environment = IngressNode.Environment(data.Path);
        environment["ACTORMTA_TRUSTED_NETWORKS"] = "10.0.0.0/8, 192.168.1.1/16";

        var (exitCode, output) = await RunHostAsync(environment, "");

        Assert.Equal(2, exitCode);
        Assert.Equal("actormta: invalid setting actormta.smtp.trusted-networks = \"192.168.1.1/16\": expected CIDR blocks like 10.0.0.0/8 or ::1/128 (no host bits set after the prefix)",
            output.Trim());
    }

    [Fact]
    public async Task A_listener_port_in_use_stops_the_start_with_one_line()
    {
        using var data = new TempDirectory();
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var environment = IngressNode.Environment(data.Path);
        environment["ACTORMTA_SMTP_SUBMISSION_PORT"] = port.ToString();

        var (exitCode, output) = await RunHostAsync(environment, "");

        Assert.Equal(2, exitCode);
        Assert.Equal($"actormta: invalid setting actormta.smtp.listeners.submission.port = \"{port}\": expected a port free on 127.0.0.1 (Address already in use)", output.Trim());
    }

    /// <summary>Runs the host to its end with <paramref name="stdin"/> as its input; returns the exit code and all it wrote.</summary>
    private static async Task<(int ExitCode, string Output)> RunHostAsync(IReadOnlyDictionary<string, string> environment, string stdin, params string[] arguments)
    {
        await using var host = HostProcess.StartWithInput(environment, stdin, arguments);
        var exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, host.Output);
    }
}
