using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace ActorMta.TestSupport.Smtp;

/// <summary>
/// A small, real SMTP server on loopback for tests: the receiving side of end-to-end delivery tests.
/// It records every transaction byte-exact with its envelope and connection facts, counts connections
/// (current, peak, total), answers from a script when told to (<see cref="Replies"/>), and lets a test
/// await what it expects with a deadline instead of sleeping.
/// </summary>
public sealed class TestSmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<int, Task> _sessions = new();
    private readonly ConditionSignal _changed = new();
    private readonly Lock _gate = new();
    private readonly List<ReceivedMessage> _transactions = [];
    private readonly List<SinkCommand> _commands = [];
    private Task _acceptLoop = Task.CompletedTask;
    private int _currentConnections;
    private int _maxConcurrentConnections;
    private int _totalConnections;
    private int _messageNumbers;

    private TestSmtpSink(TestSmtpSinkOptions options)
    {
        Options = options;
        Certificate = options.Certificate ?? SelfSignedCertificate.ForLoopback;
        _listener = new TcpListener(options.Address, options.Port);
    }

    /// <summary>The options the sink runs with.</summary>
    public TestSmtpSinkOptions Options { get; }

    /// <summary>The certificate presented on STARTTLS (clients may pin it).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The address and port the sink listens on.</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>The listening port.</summary>
    public int Port => EndPoint.Port;

    /// <summary>Scripted replies that replace the normal ones.</summary>
    public SinkReplyScript Replies { get; } = new();

    /// <summary>Every completed transaction in order, accepted or refused at the end of the content.</summary>
    public IReadOnlyList<ReceivedMessage> Transactions
    {
        get
        {
            lock (_gate)
            {
                return [.. _transactions];
            }
        }
    }

    /// <summary>The transactions the sink accepted (2xx), in order.</summary>
    public IReadOnlyList<ReceivedMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _transactions.Where(m => m.Accepted)];
            }
        }
    }

    /// <summary>Every command line received, in order, across connections.</summary>
    public IReadOnlyList<SinkCommand> Commands
    {
        get
        {
            lock (_gate)
            {
                return [.. _commands];
            }
        }
    }

    /// <summary>Connections open right now.</summary>
    public int CurrentConnections => Volatile.Read(ref _currentConnections);

    /// <summary>The most connections that were open at the same time.</summary>
    public int MaxConcurrentConnections => Volatile.Read(ref _maxConcurrentConnections);

    /// <summary>Connections accepted since the start.</summary>
    public int TotalConnections => Volatile.Read(ref _totalConnections);

    /// <summary>Starts a sink; with no options it listens on 127.0.0.1 on a free port and offers every extension but AUTH.</summary>
    public static TestSmtpSink Start(TestSmtpSinkOptions? options = null)
    {
        var sink = new TestSmtpSink(options ?? new TestSmtpSinkOptions());
        sink._listener.Start();
        sink._acceptLoop = sink.AcceptAsync();
        return sink;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages were accepted; returns them.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> WaitForMessagesAsync(int count, TimeSpan timeout)
    {
        await WaitUntilAsync(s => s.Messages.Count >= count, timeout, $"{count} accepted messages");
        return Messages;
    }

    /// <summary>Waits until at least <paramref name="count"/> transactions completed, accepted or not.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> WaitForTransactionsAsync(int count, TimeSpan timeout)
    {
        await WaitUntilAsync(s => s.Transactions.Count >= count, timeout, $"{count} completed transactions");
        return Transactions;
    }

    /// <summary>Waits until at least <paramref name="total"/> connections were accepted.</summary>
    public Task WaitForConnectionsAsync(int total, TimeSpan timeout) =>
        WaitUntilAsync(s => s.TotalConnections >= total, timeout, $"{total} connections");

    /// <summary>Waits until at least <paramref name="count"/> connections are open at once.</summary>
    public Task WaitForConcurrentConnectionsAsync(int count, TimeSpan timeout) =>
        WaitUntilAsync(s => s.CurrentConnections >= count, timeout, $"{count} concurrent connections");

    /// <summary>Waits until no connection is open.</summary>
    public Task WaitForIdleAsync(TimeSpan timeout) =>
        WaitUntilAsync(s => s.CurrentConnections == 0, timeout, "all connections closed");

    /// <summary>Waits until <paramref name="condition"/> holds for the sink's recorded state.</summary>
    public Task WaitUntilAsync(Func<TestSmtpSink, bool> condition, TimeSpan timeout, string description) =>
        _changed.WaitAsync(() => condition(this), timeout, description);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        await Task.WhenAll(_sessions.Values);
        _stopping.Dispose();
    }

    internal int NextMessageNumber() => Interlocked.Increment(ref _messageNumbers);

    internal void RecordMessage(ReceivedMessage message)
    {
        lock (_gate)
        {
            _transactions.Add(message);
        }

        _changed.Notify();
    }

    internal void RecordCommand(SinkCommand command)
    {
        lock (_gate)
        {
            _commands.Add(command);
        }

        _changed.Notify();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var number = Interlocked.Increment(ref _totalConnections);
            var current = Interlocked.Increment(ref _currentConnections);
            RaiseMaximum(current);
            _changed.Notify();
            _sessions[number] = ServeAsync(client, number);
        }
    }

    private async Task ServeAsync(TcpClient client, int number)
    {
        // Off the accept loop, so a slow session never delays the next accept.
        await Task.Yield();
        try
        {
            await new SinkSession(this, client, number).RunAsync(_stopping.Token);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client was gone before the session could read its endpoints.
            client.Dispose();
        }
        finally
        {
            Interlocked.Decrement(ref _currentConnections);
            _sessions.TryRemove(number, out _);
            _changed.Notify();
        }
    }

    private void RaiseMaximum(int current)
    {
        var seen = Volatile.Read(ref _maxConcurrentConnections);
        while (current > seen)
        {
            var previous = Interlocked.CompareExchange(ref _maxConcurrentConnections, current, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
