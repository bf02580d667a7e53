namespace ActorMta.Configuration;

/// <summary>Who this node is and where it keeps its files.</summary>
public sealed record NodeSettings(string Hostname, string DataDirectory)
{
    public static NodeSettings From(SettingsReader settings)
    {
        var hostname = settings.String("actormta.node.hostname", allowEmpty: false);
        if (Uri.CheckHostName(hostname) is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
            throw new SettingException("actormta.node.hostname", hostname, "a host name (e.g. mx1.example.com)");
        var dataDirectory = Path.GetFullPath(settings.String("actormta.node.data-directory", allowEmpty: false));
        return new NodeSettings(hostname, dataDirectory);
    }
}
