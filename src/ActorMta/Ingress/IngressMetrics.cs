using System.Diagnostics.Metrics;
using ActorMta.Telemetry;

namespace ActorMta.Ingress;

/// <summary>
/// The ingress's instruments, node-wide (exported on /metrics as actormta_ingress_*): what it refused to abuse
/// (counters, NAME_total), the sessions open, and how long a client waits for the 250 after its final dot.
/// </summary>
public static class IngressMetrics
{
    public static readonly Meter Meter = new("ActorMta.Ingress");

    public static readonly MetricCount AuthFailures = new(Meter, "actormta_ingress_auth_failures", "Failed AUTH attempts (wrong credentials)");

    public static readonly MetricCount AuthPenalties = new(Meter, "actormta_ingress_auth_penalties", "Clients penalised for failed AUTH attempts");

    public static readonly MetricCount AuthRefusedPenalised = new(Meter, "actormta_ingress_auth_refused_penalised", "AUTH commands refused (454) because their client was penalised");

    public static readonly MetricCount AuthRefusedBusy = new(Meter, "actormta_ingress_auth_refused_busy", "AUTH commands refused (454) because the node ran and queued as many password checks as it allows");

    public static readonly MetricCount ConnectionsTurnedAway = new(Meter, "actormta_ingress_connections_turned_away", "Connections refused past max-connections or max-connections-per-client (421, or a reset when too many are pending)");

    public static readonly MetricCount TurnAwaysReset = new(Meter, "actormta_ingress_turn_aways_reset", "Connections refused by a reset, without a 421, because too many turn-aways were pending");

    public static readonly MetricCount SessionsCapped = new(Meter, "actormta_ingress_sessions_capped", "Sessions ended at max-session-duration or max-commands-per-session");

    public static readonly MetricCount RecipientsSuppressed = new(Meter, "actormta_ingress_recipients_suppressed", "Recipients refused at RCPT or in the injection API because they are on the suppression list");

    public static readonly MetricCount SuppressionUnanswered = new(Meter, "actormta_ingress_suppression_unanswered", "Recipients accepted unchecked because the suppression list did not answer within actormta.suppression.check-timeout");

    private static int _sessionsOpen;

    private static readonly Histogram<double> AcceptDuration = Meter.CreateHistogram<double>("actormta_ingress_accept_duration", "s",
        "Time from the end of a message's data (the final dot, or BDAT LAST) to its 250: the queue's durable write");

    /// <summary>The histograms' buckets, for the meter provider's views.</summary>
    public static IEnumerable<(string Instrument, double[] Boundaries)> Views => [(AcceptDuration.Name, Buckets.Milliseconds)];

    /// <summary>SMTP sessions open now (read at each scrape, so every reader sees the same number however late it started).</summary>
    public static int SessionsOpen => Volatile.Read(ref _sessionsOpen);

    static IngressMetrics() =>
        Meter.CreateObservableUpDownCounter("actormta_ingress_sessions_open", () => SessionsOpen, description: "SMTP sessions open (connections being served, any listener)");

    public static void SessionOpened() => Interlocked.Increment(ref _sessionsOpen);

    public static void SessionClosed() => Interlocked.Decrement(ref _sessionsOpen);

    public static void Accepted(TimeSpan afterEndOfData) => AcceptDuration.Record(afterEndOfData.TotalSeconds);

    public static readonly MetricCount InjectedMessages = new(Meter, "actormta_ingress_injected_messages", "Messages queued through the HTTP injection API");

    public static readonly MetricCount InjectedRecipients = new(Meter, "actormta_ingress_injected_recipients", "Recipients queued through the HTTP injection API");

    public static readonly MetricCount InjectRecipientsFailed = new(Meter, "actormta_ingress_inject_recipients_failed", "Recipients of injection requests not queued (a bad address, an unknown variable, a limit, the queue unavailable)");

    /// <summary>Creates the instruments now (static fields are made on first use), so /metrics shows them from the start, at zero.</summary>
    public static void Publish() => GC.KeepAlive(InjectRecipientsFailed);
}
