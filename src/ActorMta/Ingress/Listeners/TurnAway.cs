using System.Net.Sockets;
using ActorMta.Configuration;
using ActorMta.Smtp;

namespace ActorMta.Ingress.Listeners;

/// <param name="MaxPending">Turned-away connections whose 421 and close may be under way at once, node-wide.</param>
/// <param name="Timeout">How long one may take to take its 421 and close; then it is reset.</param>
public sealed record TurnAwaySettings(int MaxPending, TimeSpan Timeout)
{
    public static TurnAwaySettings From(SettingsReader settings) => new(
        settings.Int("actormta.smtp.turn-away.max-pending", 0, 100_000),
        settings.Duration("actormta.smtp.turn-away.timeout", TimeSpan.FromMilliseconds(10)));
}

/// <summary>
/// Connections refused admission: each hears its 421, then the server closes and waits (briefly) for the
/// client to close too, so the reply is not lost to a reset. Under a flood these closes are bounded in
/// number and in time: past <see cref="TurnAwaySettings.MaxPending"/> a connection is reset at once with
/// no reply, and one that takes longer than <see cref="TurnAwaySettings.Timeout"/> is reset then. No
/// session, no actor, no buffer beyond the reply's few octets.
/// </summary>
public sealed class TurnAway(TurnAwaySettings settings)
{
    /// <summary>Octets read from a turned-away client while waiting for its close; beyond that it is reset.</summary>
    private const int DrainLimit = 4096;

    private int _pending;
    private long _replied;
    private long _reset;

    /// <summary>Turn-aways under way now.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Connections that were sent their 421, since start.</summary>
    public long Replied => Interlocked.Read(ref _replied);

    /// <summary>Connections reset without a reply (the bound was reached), since start.</summary>
    public long Reset => Interlocked.Read(ref _reset);

    /// <summary>Sends <paramref name="reply"/> and closes <paramref name="socket"/>, or resets it when too many are pending; never blocks.</summary>
    public void Refuse(Socket socket, SmtpReply reply)
    {
        IngressMetrics.ConnectionsTurnedAway.Add(1);
        if (Interlocked.Increment(ref _pending) > settings.MaxPending)
        {
            Interlocked.Decrement(ref _pending);
            Interlocked.Increment(ref _reset);
            IngressMetrics.TurnAwaysReset.Add(1);
            ResetNow(socket);
            return;
        }
        Interlocked.Increment(ref _replied);
        _ = ReplyAndCloseAsync(socket, reply);
    }

    private async Task ReplyAndCloseAsync(Socket socket, SmtpReply reply)
    {
        using var timeout = new CancellationTokenSource(settings.Timeout);
        var buffer = new byte[512];
        try
        {
            var writer = new System.Buffers.ArrayBufferWriter<byte>(128);
            reply.WriteTo(writer);
            await socket.SendAsync(writer.WrittenMemory, SocketFlags.None, timeout.Token);
            socket.Shutdown(SocketShutdown.Send);
            // Wait for the client's close: closing with its octets unread would reset, and it might miss the 421.
            var drained = 0;
            while (drained < DrainLimit)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (read == 0) break;
                drained += read;
            }
            if (drained >= DrainLimit) ResetNow(socket);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            ResetNow(socket); // gone, or too slow: no more waiting on it
        }
        finally
        {
            socket.Dispose();
            Interlocked.Decrement(ref _pending);
        }
    }

    private static void ResetNow(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0); // close sends RST: no TIME_WAIT, no pending output
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // already closed
        }
        socket.Dispose();
    }
}
