namespace ActorMta.TestSupport;

/// <summary>Waits on a condition with a deadline (never a fixed sleep): polls, and fails with the last observation.</summary>
public static class Eventually
{
    public static async Task<T> Returns<T>(Func<Task<T>> observe, Func<T, bool> done, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        T last = default!;
        Exception? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await observe();
                lastError = null;
                if (done(last)) return last;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Net.Sockets.SocketException)
            {
                lastError = e;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{what} did not happen within {within.TotalSeconds:0}s; last seen: {(lastError is null ? last : lastError.Message)}");
    }

    public static Task True(Func<Task<bool>> condition, TimeSpan within, string what) =>
        Returns(condition, ok => ok, within, what);
}
