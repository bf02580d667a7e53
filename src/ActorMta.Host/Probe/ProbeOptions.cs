using System.Net;
using ActorMta.Host.Cli;

namespace ActorMta.Host.Probe;

public enum TlsMode { None, StartTls, Implicit }

/// <summary>What `actormta probe` was asked to do, validated before anything goes on the wire.</summary>
public sealed record ProbeOptions(
    string Host, int Port, TlsMode Tls, string? User, string? Password, string? From, string? To, bool Send,
    string EhloName, string? CaFile, IPEndPoint? DnsServer, TimeSpan Timeout)
{
    public static ProbeOptions Parse(CliArguments args, TextReader stdin)
    {
        args.Allow(2, "--starttls", "--tls", "--user", "--password-stdin", "--from", "--to", "--send", "--ehlo", "--ca-file", "--dns-server", "--timeout");
        var (host, port) = SplitHostPort(args.Word(1, "HOST[:PORT] to probe"));
        if (args.Flag("--starttls") && args.Flag("--tls"))
            throw new CliFailure(CliExitCodes.Usage, "--starttls and --tls exclude each other (--tls: TLS from the first byte, port 465)");
        var tls = args.Flag("--tls") ? TlsMode.Implicit : args.Flag("--starttls") ? TlsMode.StartTls : TlsMode.None;
        var user = args.Option("--user");
        string? password = null;
        if (user is not null)
        {
            if (tls == TlsMode.None)
                throw new CliFailure(CliExitCodes.Usage, "--user would send the password in clear text: add --starttls (587) or --tls (465)");
            if (!args.Flag("--password-stdin"))
                throw new CliFailure(CliExitCodes.Usage, "--user needs --password-stdin (the password on stdin, one line)");
            password = stdin.ReadLine();
            if (string.IsNullOrEmpty(password)) throw new CliFailure(CliExitCodes.Usage, "--password-stdin read no password from stdin");
        }
        if (args.Option("--to") is not null && args.Option("--from") is null)
            throw new CliFailure(CliExitCodes.Usage, "--to needs --from (RCPT comes after MAIL FROM)");
        if (args.Flag("--send") && args.Option("--to") is null)
            throw new CliFailure(CliExitCodes.Usage, "--send needs --from and --to");
        IPEndPoint? dns = null;
        if (args.Option("--dns-server") is { } server && !IPEndPoint.TryParse(server, out dns))
            throw new CliFailure(CliExitCodes.Usage, $"--dns-server must be IP or IP:PORT, not '{server}'");
        if (dns is { Port: 0 }) dns.Port = 53;
        if (args.Option("--ca-file") is { } ca && !File.Exists(ca))
            throw new CliFailure(CliExitCodes.Usage, $"--ca-file {ca} does not exist");
        var timeout = args.Option("--timeout") is { } t ? Duration.Parse(t, "--timeout") : TimeSpan.FromSeconds(10);
        return new ProbeOptions(host, port, tls, user, password, args.Option("--from"), args.Option("--to"), args.Flag("--send"),
            args.Option("--ehlo") ?? Environment.MachineName, args.Option("--ca-file"), dns, timeout);
    }

    /// <summary>host, host:port, an IPv4 address, or [IPv6]:port.</summary>
    private static (string Host, int Port) SplitHostPort(string text)
    {
        if (IPAddress.TryParse(text, out var bare) && (bare.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || !text.Contains(':')))
            return (bare.ToString(), 25);
        var colon = text.LastIndexOf(':');
        var host = colon < 0 ? text : text[..colon];
        var port = 25;
        if (colon >= 0 && (!int.TryParse(text[(colon + 1)..], out port) || port is < 1 or > 65535))
            throw new CliFailure(CliExitCodes.Usage, $"'{text}' is not HOST[:PORT] (port 1-65535)");
        host = host.TrimStart('[').TrimEnd(']');
        if (host.Length == 0) throw new CliFailure(CliExitCodes.Usage, $"'{text}' has no host");
        return (host, port);
    }
}
