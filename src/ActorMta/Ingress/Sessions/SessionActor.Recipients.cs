using ActorMta.Ingress.Policy;
using ActorMta.Smtp;
using Akka.Actor;
using ActorMta.Contracts;

namespace ActorMta.Ingress.Sessions;

/// <summary>RCPT: the recipient limit, the relay policy, recipient validation and the suppression list (asked off the actor's thread).</summary>
public sealed partial class SessionActor
{
    /// <summary>The suppression list's answer for a recipient (null: not suppressed, or no answer in time).</summary>
    private sealed record RecipientChecked(EnvelopeRecipient Recipient, SuppressionEntry? Match);

    private void Recipient(SmtpCommand command)
    {
        var transaction = _transaction!;
        if (transaction.Recipients.Count >= _setup.Limits.MaxRecipients)
        {
            // Not an error: RFC 5321 4.5.3.1.10, the client sends the rest in another transaction.
            Reply(SessionReplies.TooManyRecipients);
            return;
        }
        var path = command.ToForwardPath();
        switch (_setup.Policy.Check(path, MayRelay))
        {
            case RelayVerdict.RelayDenied:
                Refuse(SessionReplies.RelayDenied);
                return;
            case RelayVerdict.RoutingDenied:
                Refuse(SessionReplies.RoutingDenied);
                return;
        }
        if (path.Mailbox is { } mailbox && _setup.RecipientValidation.IsUnknown(mailbox))
        {
            Refuse(SessionReplies.UnknownRecipient(mailbox));
            return;
        }
        var address = path.Mailbox?.ToString() ?? $"postmaster@{_setup.Hostname}";
        var original = command.ToOriginalRecipient();
        var recipient = new EnvelopeRecipient(address, HonouredNotify(command.RecipientParameters.Notify),
            original is null ? null : $"{original.AddressType};{original.Address}");
        if (path.Mailbox is not null && _setup.Suppression is { } suppression)
        {
            // Asked off the actor's thread; the next command is not read until the answer (or the timeout's accept) is in.
            _phase = Phase.CheckingRecipient;
            suppression.FindAsync(address, transaction.ReversePath.Mailbox?.ToString(), _authenticatedUser)
                .PipeTo(Self, success: match => new RecipientChecked(recipient, match), failure: _ => new RecipientChecked(recipient, null));
            return;
        }
        AddRecipient(recipient);
    }

    /// <summary>The suppression list's answer for a RCPT: refused with its reason, or taken.</summary>
    private void OnRecipientChecked(RecipientChecked check)
    {
        if (_phase != Phase.CheckingRecipient) return;
        _phase = Phase.Command;
        if (check.Match is { } match)
        {
            Refuse(SessionReplies.Suppressed(check.Recipient.Address, RecipientSuppression.Shown(match)));
            return;
        }
        AddRecipient(check.Recipient);
    }

    private void AddRecipient(EnvelopeRecipient recipient)
    {
        _transaction!.Add(recipient);
        Advance(SmtpVerb.Rcpt);
        Reply(SmtpReplies.RecipientOk);
    }

    /// <summary>
    /// Backscatter: success and delay DSNs go to the reverse-path, which an untrusted, unauthenticated
    /// client may have forged. Only trusted or authenticated clients get them; others get failure DSNs at most.
    /// </summary>
    private DsnNotify HonouredNotify(DsnNotify notify) =>
        MayRelay || (notify & (DsnNotify.Success | DsnNotify.Delay)) == 0 ? notify : DsnNotify.Failure;
}
