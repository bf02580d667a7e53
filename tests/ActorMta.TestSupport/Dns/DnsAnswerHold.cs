namespace ActorMta.TestSupport.Dns;

/// <summary>
/// Holds back the answers for one name until <see cref="Release"/>, so a test can have several lookups in flight at once.
/// Disposing releases too.
/// </summary>
public sealed class DnsAnswerHold : IDisposable
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal Task Released => _released.Task;

    /// <summary>Lets every held query (and every later one) be answered.</summary>
    public void Release() => _released.TrySetResult();

    /// <inheritdoc />
    public void Dispose() => Release();
}
