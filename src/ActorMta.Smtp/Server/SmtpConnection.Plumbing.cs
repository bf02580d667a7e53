using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using ActorMta.Smtp;

namespace ActorMta.Smtp.Server;

/// <summary>The connection's plumbing: one operation at a time under a deadline, pipe reads that stop on interruption, flushes.</summary>
public sealed partial class SmtpConnection
{
    /// <summary>Reads blocks until <paramref name="consume"/> reports the end; each block within <paramref name="block"/>, all within <paramref name="total"/>.</summary>
    private Task<ConnectionEvent> ReadBlocksAsync(TimeSpan block, TimeSpan total, ReadOnlySequenceConsumer consume)
    {
        var totalDeadline = _clock.GetTimestamp() + ToTicks(total);
        return RunAsync(block < total ? block : total, async () =>
        {
            while (true)
            {
                var (result, stop) = await ReadAsync();
                if (stop is not null) return stop;
                var (done, rest) = consume(result.Buffer);
                if (done)
                {
                    _reader.AdvanceTo(rest.Start);
                    _unexamined = !rest.IsEmpty;
                    return InputComplete.Instance;
                }
                _reader.AdvanceTo(rest.Start, rest.End);
                _unexamined = false;
                if (result.IsCompleted) return ClientClosed.Instance;
                // Each block gets the block timeout afresh, never past the message's overall deadline.
                ArmUntil(Math.Min(_clock.GetTimestamp() + ToTicks(block), totalDeadline));
            }
        });
    }

    private delegate (bool Done, ReadOnlySequence<byte> Remaining) ReadOnlySequenceConsumer(ReadOnlySequence<byte> buffer);

    /// <summary>Runs one operation under a deadline, turning network and TLS errors into <see cref="IoFailed"/>.</summary>
    private async Task<ConnectionEvent> RunAsync(TimeSpan timeout, Func<Task<ConnectionEvent>> operation)
    {
        if (Volatile.Read(ref _disposed) != 0) return new IoFailed("connection closed");
        Arm(timeout);
        try
        {
            return await operation();
        }
        catch (Exception e) when (IsConnectionError(e))
        {
            return new IoFailed(e.GetBaseException().Message);
        }
        finally
        {
            Disarm();
        }
    }

    private static bool IsConnectionError(Exception e) =>
        e is IOException or SocketException or ObjectDisposedException or AuthenticationException or InvalidOperationException or OperationCanceledException;

    /// <summary>
    /// One read: flushes pending replies first when nothing is buffered (we are about to wait for the
    /// client), then waits. A non-null second value ends the operation.
    /// </summary>
    private async ValueTask<(ReadResult Result, ConnectionEvent? Stop)> ReadAsync()
    {
        if (!_unexamined && await FlushPendingAsync() is { } flushStop) return (default, flushStop);
        while (true)
        {
            if (StopBeforeRead() is { } stop) return (default, stop);
            ReadResult result;
            try
            {
                result = await _reader.ReadAsync();
            }
            finally
            {
                _reading = false;
            }
            if (!result.IsCanceled) return (result, null);
            if (StopAfterCancel(result) is { } cancelled) return (default, cancelled);
        }
    }

    /// <summary>Marks a read as pending (so the timer may cancel it), unless it should not start at all.</summary>
    private ConnectionEvent? StopBeforeRead()
    {
        _reading = true;
        if (_interrupted) return Interrupted.Instance;
        return Expired ? TimedOut.Instance : null;
    }

    /// <summary>A cancelled read: interrupted, timed out, or a stale cancel before the deadline (wait out the rest).</summary>
    private ConnectionEvent? StopAfterCancel(ReadResult result)
    {
        _reader.AdvanceTo(result.Buffer.Start);
        if (_interrupted) return Interrupted.Instance;
        if (Expired) return TimedOut.Instance;
        RearmRemaining();
        return null;
    }

    private async ValueTask<ConnectionEvent?> FlushPendingAsync()
    {
        while (_pendingOutput)
        {
            _flushing = true;
            if (Expired) return TimedOut.Instance;
            FlushResult result;
            try
            {
                result = await _writer.FlushAsync();
            }
            finally
            {
                _flushing = false;
            }
            if (!result.IsCanceled)
            {
                _pendingOutput = false;
                return result.IsCompleted ? ClientClosed.Instance : null;
            }
            if (Expired) return TimedOut.Instance;
            RearmRemaining();
        }
        return null;
    }

    private bool Expired => _clock.GetTimestamp() >= Volatile.Read(ref _deadline);

    private void Arm(TimeSpan timeout) => ArmUntil(_clock.GetTimestamp() + ToTicks(timeout));

    private void Disarm() => _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    private void ArmUntil(long deadline)
    {
        Volatile.Write(ref _deadline, deadline);
        RearmRemaining();
    }

    /// <summary>Sets the timer for what is left until the deadline (also when it fired a little early by our clock).</summary>
    private void RearmRemaining()
    {
        var remaining = _clock.GetElapsedTime(_clock.GetTimestamp(), Volatile.Read(ref _deadline));
        _timer.Change(remaining < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : remaining, Timeout.InfiniteTimeSpan);
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _clock.TimestampFrequency);

    private void OnTimer()
    {
        if (_reading) CancelRead();
        if (_flushing)
        {
            try { _writer.CancelPendingFlush(); }
            catch (InvalidOperationException) { /* the writer was just completed */ }
        }
    }

    private void CancelRead()
    {
        try { _reader.CancelPendingRead(); }
        catch (InvalidOperationException) { /* the reader was just completed */ }
    }

    private static string ProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls12 => "TLSv1.2",
        SslProtocols.Tls13 => "TLSv1.3",
        _ => protocol.ToString(),
    };
}
