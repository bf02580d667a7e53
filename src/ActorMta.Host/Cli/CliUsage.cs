namespace ActorMta.Host.Cli;

public static class CliUsage
{
    public const string Text = """
        usage: actormta COMMAND [options]

        Node:
          actormta [--config FILE]                 run a node (FILE: HOCON over actormta.conf; ACTORMTA_* env wins)
          actormta --probe URL                     exit 0 when URL answers 200 (container health check)
          actormta user add USER [--config FILE]   add or update an SMTP AUTH user, password on stdin (alias: adduser USER)

        Management (talk to a node's management endpoint):
          queue                                    messages in the queue by domain and state
          domains                                  every running domain's delivery state across the fleet, and
                                                   the per-domain settings its limits come from
          egress                                   this node's egress sources: today's warm-up sends and cap per provider
          suspend DOMAIN [--for 30m] [--reason R]  stop delivering to DOMAIN for a while (default 1h)
          resume DOMAIN                            deliver to DOMAIN again now
          bounce (--domain D | --queue-id ID) --reason R [--duration 5m]
                                                   bounce what is queued (for a domain: and what arrives during the
                                                   duration, default 5m), with DSNs
          bounce list | bounce cancel ID           the domains' bounce rules in force; end one now
          retry (--domain D | --queue-id ID)       try now
          message show ID                          a message's envelope and event timeline
          inject FILE --from S --to R[,R...]       queue FILE (a whole RFC 5322 message) through the injection API
                                                   (needs an inject token: --token-file or ACTORMTA_TOKEN)
          suppression add ADDRESS [--scope S] [--reason R] [--duration 30d]
                                                   refuse mail to ADDRESS (scope: global, domain:D, user:U)
          suppression remove ADDRESS [--scope S]   take ADDRESS off the list (every scope unless --scope)
          suppression check ADDRESS [--sender A] [--user U]
                                                   is ADDRESS suppressed for mail from A (by user U)
          suppression list [--scope S] [--limit N] [--cursor C] | suppression summary
                                                   the entries a page at a time; counts by source and scope
          cluster members                          the fleet's members and their status
          cluster leave ADDRESS                    a member leaves gracefully (host:port or akka.tcp://actormta@host:port)

          options for all of them:
            --json               the node's JSON answer instead of a table
            --url URL            the management endpoint (env ACTORMTA_URL; default http://127.0.0.1:8558)
            --token-file F       the bearer token (else env ACTORMTA_TOKEN, else DATA/admin.token when it exists,
                                 DATA being ACTORMTA_DATA_DIR or ./data); reading on loopback needs none,
                                 changes need an admin token
            --timeout 30s        how long to wait for the node

          exit codes: 0 done, 2 usage, 10 node unreachable (refused, timeout), 11 no or unknown token (401),
                      12 token lacks the scope (403), 13 not found or route missing (404),
                      14 request refused (400, 415, 422), 15 node failed or answered only in part (5xx, 503)

        SMTP:
          probe HOST[:PORT] ...                    test SMTP settings step by step (actormta probe --help)

        DKIM (local, no node needed):
          dkim keygen DOMAIN SELECTOR [--algorithm rsa-sha256|ed25519-sha256] [--bits 2048] [--out DIR]
                                                   write DIR/DOMAIN.SELECTOR.pem (0600) and print its DNS TXT record
        """;
}
