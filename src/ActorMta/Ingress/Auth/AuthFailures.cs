using System.Net;

namespace ActorMta.Ingress.Auth;

/// <summary>
/// Client addresses that used up their AUTH attempts on a connection. For a while after that,
/// every AUTH answer to that address comes late, so guessing passwords from it gets slow
/// (Postfix's smtpd_error_sleep_time, per address). Shared by all sessions of a node.
/// </summary>
public sealed class AuthFailures(TimeSpan penaltyTime, TimeProvider clock)
{
    /// <summary>Past this many penalised addresses the oldest are forgotten first, so a flood cannot exhaust memory.</summary>
    private const int MaxTracked = 100_000;
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, DateTimeOffset> _until = [];

    public void Penalize(IPAddress client)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (_until.Count >= MaxTracked) Forget(now);
            _until[client] = now + penaltyTime;
        }
    }

    public bool IsPenalized(IPAddress client)
    {
        lock (_gate)
        {
            if (!_until.TryGetValue(client, out var until)) return false;
            if (until > clock.GetUtcNow()) return true;
            _until.Remove(client);
            return false;
        }
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (client, until) in _until.ToArray())
            if (until <= now) _until.Remove(client);
        if (_until.Count < MaxTracked) return;
        foreach (var client in _until.OrderBy(e => e.Value).Take(MaxTracked / 10).Select(e => e.Key).ToArray())
            _until.Remove(client);
    }
}
