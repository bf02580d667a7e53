using System.Diagnostics;
using ActorMta.TestSupport;

namespace ActorMta.Tests.TestSupport;

public sealed class PostgresInstanceTests
{
    [Fact]
    public void A_server_left_running_by_a_killed_test_process_is_stopped_by_the_next_start()
    {
        using var leaked = PostgresInstance.Start();
        // Its test process was killed (no ProcessExit): the owner recorded is a process that has exited.
        using (var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            gone.WaitForExit();
            File.WriteAllText(Path.Combine(leaked.DirectoryPath, "owner.pid"), gone.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.True(leaked.IsRunning);

        using var next = PostgresInstance.Start();

        Assert.False(leaked.IsRunning, "the orphaned server is still running");
        Assert.True(next.IsRunning);
    }
}
