using ActorMta.Queue;
using ActorMta.Smtp;
using ActorMta.Contracts;

namespace ActorMta.Ingress.Sessions;

/// <summary>The open mail transaction of a session: MAIL's reverse-path and parameters, the accepted recipients.</summary>
public sealed class MailTransaction(ReversePath reversePath, MailParameters parameters, string? envelopeId)
{
    private readonly List<EnvelopeRecipient> _recipients = [];

    public ReversePath ReversePath { get; } = reversePath;
    public MailParameters Parameters { get; } = parameters;
    public string? EnvelopeId { get; } = envelopeId;
    public IReadOnlyList<EnvelopeRecipient> Recipients => _recipients;

    /// <summary>Whether the message body has begun (DATA's 354 or the first BDAT chunk).</summary>
    public bool BodyStarted { get; set; }

    /// <summary>When the body began, for the data-termination timeout (a <see cref="TimeProvider"/> timestamp).</summary>
    public long BodyStartedAt { get; set; }

    public void Add(EnvelopeRecipient recipient) => _recipients.Add(recipient);

    public SmtpEnvelope ToEnvelope(SubmittingClient client, DateTimeOffset receivedAt) => new(
        ReversePath.Mailbox?.ToString() ?? "",
        _recipients.ToArray(),
        Parameters.Body,
        Parameters.SmtpUtf8,
        Parameters.Return,
        EnvelopeId,
        client,
        receivedAt);
}
