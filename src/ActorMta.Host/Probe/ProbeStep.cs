namespace ActorMta.Host.Probe;

/// <summary>One step of the probe: what it found (details, including the SMTP transcript) and, when it failed, why in plain words.</summary>
/// <param name="Name">dns, connect, tls, greeting, ehlo, starttls, auth, mail, rcpt, data.</param>
/// <param name="Diagnosis">Null when the step passed.</param>
public sealed record ProbeStep(string Name, bool Ok, string Summary, IReadOnlyList<string> Details, string? Diagnosis = null)
{
    /// <summary>The exit code of the probe when this step is the first to fail; listed in `probe --help`.</summary>
    public static int ExitCodeOf(string step) => step switch
    {
        "dns" => 20,
        "connect" => 21,
        "greeting" => 22,
        "ehlo" => 23,
        "tls" or "starttls" => 24,
        "auth" => 25,
        "mail" => 26,
        "rcpt" => 27,
        "data" => 28,
        _ => 29,
    };
}

/// <summary>Ends the probe at the failing step (the steps before it are already recorded).</summary>
public sealed class ProbeStopped(ProbeStep step) : Exception(step.Diagnosis)
{
    public ProbeStep Step { get; } = step;
}

public static class ProbeUsage
{
    public const string Text = """
        usage: actormta probe HOST[:PORT] [--starttls | --tls] [--user U --password-stdin] [--from A [--to B]] [--send]
                              [--ehlo NAME] [--ca-file PEM] [--dns-server IP:PORT] [--timeout 10s] [--json]

        Tests SMTP settings step by step, as a mail client would use them, and says in plain words what is wrong:
          dns        MX and A/AAAA of HOST (skipped for an IP address; --dns-server asks that server instead of the system's)
          connect    TCP to HOST:PORT (default 25): a timeout suggests a firewall or a blocked port 25, a refusal a wrong port
          tls        --tls: implicit TLS first (port 465)
          greeting   the server's 220
          ehlo       EHLO and the extensions offered
          starttls   --starttls: STARTTLS, then EHLO again inside TLS
                     (tls and starttls show protocol, cipher, certificate subject, SANs, issuer, expiry, chain and
                      host-name check; --ca-file trusts a private CA or a self-signed certificate)
          auth       with --user: the mechanisms offered, then PLAIN or LOGIN with the password read from stdin
          mail       with --from: MAIL FROM
          rcpt       with --to: RCPT TO
          data       with --send: a short test message; without it the transaction is reset (RSET) and nothing is sent
        Then QUIT. --json prints the steps as JSON. --timeout bounds the connect and each reply.

        exit codes: 0 every step passed, 2 usage, and the first failing step:
          20 dns, 21 connect, 22 greeting, 23 ehlo, 24 tls/starttls, 25 auth, 26 mail, 27 rcpt, 28 data
        """;
}
