namespace ActorMta.Queue.Bodies;

/// <summary>
/// A message body too large to hold in memory while it waits to be stored: a file in the node's
/// spool directory (<see cref="BodySpool"/>), complete and closed. Whoever holds it owns the file:
/// the session until it hands the message to the intake, then the body writer, which deletes it
/// once the body is in the store or the write failed.
/// </summary>
public sealed record SpooledBody(string Path, long Length)
{
    /// <summary>Removes the file; a file already gone is fine (a start-up sweep may have taken it).</summary>
    public void Delete()
    {
        try
        {
            File.Delete(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next start's sweep (BodySpool.RemoveLeftovers).
        }
    }
}
