using ActorMta.IntegrationTests.Infrastructure;
using ActorMta.TestSupport;

namespace ActorMta.IntegrationTests.Fleet;

/// <summary>The real executable refuses plain TCP on the cluster port beyond a loopback cluster of one: exit 2 and one line.</summary>
public sealed class PlainTransportRefusalTests
{
    private const string Refusal = "actormta: invalid setting actormta.cluster.tls.certificate-file = \"\": expected the fleet's PEM certificate and key " +
        "(env ACTORMTA_CLUSTER_CERTIFICATE_FILE, ACTORMTA_CLUSTER_KEY_FILE) when the node has seed nodes or a cluster address beyond loopback; " +
        "or actormta.cluster.tls.insecure = on (env ACTORMTA_CLUSTER_INSECURE) for plain TCP that lets anyone join";

    [Theory]
    [InlineData("ACTORMTA_SEED_NODES", "akka.tcp://actormta@127.0.0.1:4053")]
    [InlineData("ACTORMTA_CLUSTER_HOST", "0.0.0.0")]
    [InlineData("ACTORMTA_CLUSTER_PUBLIC_HOST", "actormta-0.actormta")]
    public async Task A_node_that_could_be_reached_from_elsewhere_without_tls_exits_2(string variable, string value)
    {
        using var data = new TempDirectory();
        var environment = TestNode.IsolatedEnvironment(data.Path);
        environment[variable] = value;
        var (exitCode, output) = await HostProcess.RunToExitAsync(environment);

        Assert.Equal(2, exitCode);
        Assert.Equal(Refusal, output);
    }

    [Fact]
    public async Task A_fleet_certificate_that_cannot_be_read_exits_2_naming_it()
    {
        using var data = new TempDirectory();
        var environment = TestNode.IsolatedEnvironment(data.Path);
        environment["ACTORMTA_CLUSTER_CERTIFICATE_FILE"] = Path.Combine(data.Path, "missing.crt");
        environment["ACTORMTA_CLUSTER_KEY_FILE"] = Path.Combine(data.Path, "missing.key");
        var (exitCode, output) = await HostProcess.RunToExitAsync(environment);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"actormta: invalid setting actormta.cluster.tls.certificate-file = \"{Path.Combine(data.Path, "missing.crt")}\": expected a PEM certificate", output);
        Assert.Single(output.Split('\n'));
    }
}
