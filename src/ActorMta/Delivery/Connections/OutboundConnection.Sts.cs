using System.Net;
using ActorMta.Contracts;
using ActorMta.Delivery.Sts;
using ActorMta.Smtp.Client;
using Akka.Event;

namespace ActorMta.Delivery.Connections;

/// <summary>
/// MTA-STS at connection time (RFC 8461 4.2): under enforce, STARTTLS is required and the certificate must be valid
/// for the MX name (chain and name), else the host is not used, never plain text; under testing, the certificate is
/// judged but let through, and what would have failed is logged. Every checked session is counted for TLS-RPT.
/// </summary>
public sealed partial class OutboundConnection
{
    /// <summary>The certificate verdict of one connection attempt, set by the TLS handshake's callback.</summary>
    private sealed class StsAttempt
    {
        public CertificateVerdict? Verdict;
    }

    private SmtpClientOptions OptionsFor(NextHop hop, StsAttempt attempt)
    {
        var options = _options with { ServerName = hop.Host };
        if (hop.Sts is not { } check || _sts is null) return options;
        // Testing mode lets a bad certificate through only where the route itself would (verify-certificate = off).
        var judge = _sts.Judge.Callback(check.Enforced || _options.ValidateCertificate, verdict => attempt.Verdict = verdict);
        return check.Enforced
            ? options with { Tls = TlsPolicy.Required, CertificateValidation = judge }
            : options with { CertificateValidation = judge };
    }

    /// <summary>A session is up: under testing, whether it would have passed; counted either way.</summary>
    private StsOutcome? StsOpened(NextHop hop, SmtpClientSession session, StsAttempt attempt, IPEndPoint address)
    {
        if (hop.Sts is not { } check || _sts is null) return null;
        var result = !check.MxMatches ? "mx-mismatch"
            : !session.IsTls ? "starttls-not-supported"
            : attempt.Verdict is { } verdict && verdict != CertificateVerdict.Valid ? CertificateJudge.ResultType(verdict)
            : "success";
        Count(check, hop, address, result);
        if (result != "success")
            _log.Warning("MTA-STS policy of {0} (testing) would have refused {1}[{2}]: {3}; delivering anyway", check.Domain, hop.Host, address.Address, result);
        return new StsOutcome(check.Policy.ModeName, result, WouldFail: result != "success");
    }

    /// <summary>An enforced session that failed at STARTTLS or the certificate: the host is refused (not a network failure).</summary>
    private StsOutcome? StsFailed(NextHop hop, SmtpClientException failure, StsAttempt attempt, IPEndPoint address)
    {
        if (hop.Sts is not { Enforced: true } check || _sts is null) return null;
        var result = attempt.Verdict is { } verdict && verdict != CertificateVerdict.Valid ? CertificateJudge.ResultType(verdict)
            : failure.Stage != SessionStage.StartTls ? null
            : attempt.Verdict is null ? "starttls-not-supported"
            : "validation-failure";
        if (result is null) return null;
        Count(check, hop, address, result);
        return new StsOutcome(check.Policy.ModeName, result);
    }

    private static RemoteReply StsReply(NextHop hop, string where, StsOutcome outcome, SmtpClientException failure) =>
        new(451, "4.7.5", $"MTA-STS policy of {hop.Sts!.Domain} (enforce): {where}: {outcome.Result} ({failure.Message})");

    private void Count(StsCheck check, NextHop hop, IPEndPoint address, string result)
    {
        var now = _sts!.Now;
        if (result == "success")
            _sts.Reports.Succeeded(now, check.Domain, check.Policy);
        else if (result == "mx-mismatch")
            _sts.Reports.Failed(now, check.Domain, check.Policy, "validation-failure", hop.Host, address.Address.ToString(), _source.Address?.ToString(), "mx-mismatch");
        else
            _sts.Reports.Failed(now, check.Domain, check.Policy, result, hop.Host, address.Address.ToString(), _source.Address?.ToString());
    }
}
