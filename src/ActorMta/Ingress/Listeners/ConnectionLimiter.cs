using System.Net;
using ActorMta.Ingress.Policy;

namespace ActorMta.Ingress.Listeners;

/// <summary>Whether a new connection may have a session.</summary>
public enum Admission
{
    Admitted,
    /// <summary>The node has max-connections open: 421 4.7.0.</summary>
    TooManyConnections,
    /// <summary>This client (address, IPv6 prefix) has max-connections-per-client open: 421 4.7.0.</summary>
    TooManyFromClient,
}

/// <summary>
/// Open connections of the node, in total and per client, for all listeners together. A client is an
/// address, or an IPv6 prefix (<see cref="ClientGroups"/>): one /64 must not take every slot.
/// Clients in the trusted networks count toward the total but have no per-address cap
/// (Postfix's smtpd_client_connection_limit_exceptions = $mynetworks): they are our own systems.
/// They may also open <paramref name="reservedForTrusted"/> connections beyond the total, so a flood from
/// outside (many addresses, each under its own cap) that fills the node cannot lock the internal senders out.
/// </summary>
public sealed class ConnectionLimiter(int maxConnections, int maxPerClient, ClientGroups? groups = null, int reservedForTrusted = 0)
{
    private readonly ClientGroups _groups = groups ?? new ClientGroups();
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, int> _perClient = [];
    private int _open;

    public int Open
    {
        get { lock (_gate) return _open; }
    }

    /// <param name="exemptFromPerClientLimit">A trusted client: no per-client cap, and the reserved slots beyond the total are open to it.</param>
    public Admission TryAdmit(IPAddress client, bool exemptFromPerClientLimit)
    {
        client = _groups.KeyOf(client);
        lock (_gate)
        {
            if (_open >= (exemptFromPerClientLimit ? maxConnections + reservedForTrusted : maxConnections)) return Admission.TooManyConnections;
            _perClient.TryGetValue(client, out var fromClient);
            if (!exemptFromPerClientLimit && fromClient >= maxPerClient) return Admission.TooManyFromClient;
            _perClient[client] = fromClient + 1;
            _open++;
            return Admission.Admitted;
        }
    }

    public void Release(IPAddress client)
    {
        client = _groups.KeyOf(client);
        lock (_gate)
        {
            if (!_perClient.TryGetValue(client, out var fromClient)) return;
            if (fromClient <= 1) _perClient.Remove(client);
            else _perClient[client] = fromClient - 1;
            _open--;
        }
    }
}
