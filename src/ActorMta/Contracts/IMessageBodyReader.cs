namespace ActorMta.Contracts;

/// <summary>
/// What the stages after the queue may do with a queued message's body: read it. The queue owns the store
/// (<see cref="Queue.Bodies.MessageBodyStore"/>) and its writes; Delivery and Bounces see only this.
/// Implementations do their I/O off the caller's thread (callers are actors).
/// </summary>
public interface IMessageBodyReader
{
    /// <summary>
    /// The body as stored (trace header included), or null when it is not, or no longer, stored. The array may be
    /// shared with other readers of the same message: read it, never change it.
    /// </summary>
    Task<byte[]?> ReadAsync(string queueId, CancellationToken cancellation);
}
