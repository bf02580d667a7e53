using System.Diagnostics.Metrics;
using ActorMta.Management;

namespace ActorMta.Ingress;

/// <summary>What the ingress refused to abuse, node-wide (exported on /metrics as actormta_ingress_*).</summary>
public static class IngressMetrics
{
    public static readonly Meter Meter = new("ActorMta.Ingress");

    public static readonly MetricCount AuthFailures = new(Meter, "auth_failures", "Failed AUTH attempts (wrong credentials)");

    public static readonly MetricCount AuthPenalties = new(Meter, "auth_penalties", "Clients penalised for failed AUTH attempts");

    public static readonly MetricCount AuthRefusedPenalised = new(Meter, "auth_refused_penalised", "AUTH commands refused (454) because their client was penalised");

    public static readonly MetricCount AuthRefusedBusy = new(Meter, "auth_refused_busy", "AUTH commands refused (454) because the node ran and queued as many password checks as it allows");

    public static readonly MetricCount ConnectionsTurnedAway = new(Meter, "connections_turned_away", "Connections refused past max-connections or max-connections-per-client (421, or a reset when too many are pending)");

    public static readonly MetricCount TurnAwaysReset = new(Meter, "turn_aways_reset", "Connections refused by a reset, without a 421, because too many turn-aways were pending");

    public static readonly MetricCount SessionsCapped = new(Meter, "sessions_capped", "Sessions ended at max-session-duration or max-commands-per-session");

    public static readonly MetricCount InjectedMessages = new(Meter, "injected_messages", "Messages queued through the HTTP injection API");

    public static readonly MetricCount InjectedRecipients = new(Meter, "injected_recipients", "Recipients queued through the HTTP injection API");

    public static readonly MetricCount InjectRecipientsFailed = new(Meter, "inject_recipients_failed", "Recipients of injection requests not queued (a bad address, an unknown variable, a limit, the queue unavailable)");

    /// <summary>Creates the instruments now (static fields are made on first use), so /metrics shows them from the start, at zero.</summary>
    public static void Publish() => GC.KeepAlive(InjectRecipientsFailed);
}
