using System.Net;
using ActorMta.Configuration;

namespace ActorMta.Ingress.Listeners;

/// <summary>One SMTP endpoint from actormta.smtp.listeners.NAME.</summary>
/// <param name="Name">The key under actormta.smtp.listeners; shown in logs and the Received header's listener note.</param>
/// <param name="PregreetWait">How long a client outside the trusted networks must stay silent before it gets the greeting.</param>
public sealed record ListenerSettings(string Name, ListenerRole Role, IPEndPoint EndPoint, TimeSpan PregreetWait)
{
    private static readonly Dictionary<string, ListenerRole> Roles = new()
    {
        ["relay"] = ListenerRole.Relay,
        ["submission"] = ListenerRole.Submission,
        ["smtps"] = ListenerRole.Smtps,
    };

    /// <summary>Whether the client must authenticate before MAIL (submission and smtps).</summary>
    public bool RequiresAuth => Role != ListenerRole.Relay;

    /// <summary>Whether TLS starts before the greeting (smtps) rather than with STARTTLS.</summary>
    public bool ImplicitTls => Role == ListenerRole.Smtps;

    /// <summary>The enabled listeners under <paramref name="path"/>, in the order the config lists them.</summary>
    public static IReadOnlyList<ListenerSettings> ListFrom(SettingsReader settings, string path)
    {
        if (!settings.Root.HasPath(path)) return [];
        var listeners = new List<ListenerSettings>();
        foreach (var name in settings.Root.GetConfig(path).AsEnumerable().Select(entry => entry.Key))
        {
            var prefix = $"{path}.{name}";
            if (!settings.Bool($"{prefix}.enabled")) continue;
            var address = settings.Address($"{prefix}.hostname");
            listeners.Add(new ListenerSettings(
                name,
                settings.OneOf($"{prefix}.role", Roles),
                new IPEndPoint(address, settings.Port($"{prefix}.port", allowZero: true)),
                settings.Duration($"{prefix}.pregreet-wait")));
        }
        return listeners;
    }
}
