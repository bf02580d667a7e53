using System.Security.Cryptography;

namespace ActorMta.Queue;

/// <summary>
/// A message's queue id, as shown in the 250 reply, the logs and the queue API: 18 characters of
/// Crockford base32 — 10 for the accept time in milliseconds (ids sort by age), 6 random, and 2
/// naming the queue partition that owns the message, so any node can route a query by id alone.
/// </summary>
public static class QueueId
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const int Length = 18;
    public const int MaxPartitions = 32 * 32;

    public static string New(int partition, DateTimeOffset now)
    {
        if ((uint)partition >= MaxPartitions) throw new ArgumentOutOfRangeException(nameof(partition));
        Span<char> id = stackalloc char[Length];
        var millis = (ulong)now.ToUnixTimeMilliseconds();
        for (var i = 9; i >= 0; i--, millis >>= 5) id[i] = Alphabet[(int)(millis & 31)];
        var random = (uint)RandomNumberGenerator.GetInt32(1 << 30);
        for (var i = 15; i >= 10; i--, random >>= 5) id[i] = Alphabet[(int)(random & 31)];
        id[16] = Alphabet[partition >> 5];
        id[17] = Alphabet[partition & 31];
        return new string(id);
    }

    /// <summary>The partition named by a well-formed id; false for anything else (ids come from URLs too).</summary>
    public static bool TryGetPartition(string id, out int partition)
    {
        partition = -1;
        if (id.Length != Length) return false;
        foreach (var c in id)
            if (Alphabet.IndexOf(c) < 0) return false;
        partition = Alphabet.IndexOf(id[16]) * 32 + Alphabet.IndexOf(id[17]);
        return true;
    }
}
