using ActorMta.Delivery.Content;
using ActorMta.Smtp;
using ActorMta.Smtp.Client;
using Akka.Event;
using static ActorMta.Delivery.Connections.ConnectionProtocol;
using ActorMta.Contracts;

namespace ActorMta.Delivery.Connections;

/// <summary>One message over the open session: what cannot be sent fails alone first, then the content for this next hop, then the transactions.</summary>
public sealed partial class OutboundConnection
{
    private async Task<Transmitted> TransmitAsync(DeliveryRequest request)
    {
        var session = _session!;
        var remote = session.RemoteEndPoint.ToString();
        var host = _where[.._where.IndexOf('[')];
        var answered = new Dictionary<int, RecipientResult>(request.Recipients.Count);
        RemoteReply? signal = null;

        RecipientResult Result(DeliveryRecipient recipient, DeliveryOutcome outcome, RemoteReply reply) =>
            new(recipient.Index, outcome, reply, host, remote, session.IsTls);

        // Our own verdicts: nothing was sent, so they say nothing about the domain (no signal) and leave the connection as it is.
        void FailLocally(DeliveryRecipient recipient, RemoteReply reply) =>
            answered[recipient.Index] = new RecipientResult(recipient.Index, DeliveryOutcome.Failed, reply);

        void AnswerRest(DeliveryOutcome outcome, RemoteReply reply)
        {
            foreach (var recipient in request.Recipients)
                if (!answered.ContainsKey(recipient.Index)) answered[recipient.Index] = Result(recipient, outcome, reply);
        }

        Transmitted Done(bool usable) => new(request, [.. request.Recipients.Select(r => answered[r.Index])], signal, usable);

        // Invariant 4: a message or recipient that cannot go on the wire fails alone, before anything is sent.
        if (OutboundEnvelope.CheckMessage(request.ReversePath, request.EnvelopeId) is { } refusal)
        {
            _log.Warning("{0}: not sent, failed: {1}", request.QueueId, refusal);
            foreach (var recipient in request.Recipients) FailLocally(recipient, Replies.From(refusal));
            return Done(session.IsUsable);
        }
        foreach (var recipient in request.Recipients)
        {
            if (OutboundEnvelope.CheckRecipient(recipient.Address, recipient.OriginalRecipient) is not { } refused) continue;
            _log.Warning("{0}: recipient {1} not sent, failed: {2}", request.QueueId, recipient.Index, refused);
            FailLocally(recipient, Replies.From(refused));
        }
        var sendable = request.Recipients.Where(r => !answered.ContainsKey(r.Index)).ToArray();
        if (sendable.Length == 0) return Done(session.IsUsable);

        var content = await ContentAsync(request, session.Extensions).ConfigureAwait(false);
        if (content.Reply is { } unsendable)
        {
            AnswerRest(unsendable.Code / 100 == 5 ? DeliveryOutcome.Failed : DeliveryOutcome.Deferred, unsendable);
            return Done(session.IsUsable);
        }
        var body = content.Body!.Value;

        try
        {
            foreach (var batch in sendable.Chunk(_maxRecipients))
            {
                var message = new OutboundMessage(request.ReversePath,
                    batch.Select(r => new OutboundRecipient(r.Address, r.Notify, r.OriginalRecipient)).ToArray(),
                    body, content.BodyType, request.SmtpUtf8, request.EnvelopeId, request.Ret);
                var result = await session.SendAsync(message, _stopping.Token).ConfigureAwait(false);
                for (var i = 0; i < batch.Length; i++)
                {
                    var decisive = result.Decisive(i);
                    var reply = decisive is null ? Replies.NoReply : Replies.From(decisive);
                    answered[batch[i].Index] = Result(batch[i], decisive is null ? DeliveryOutcome.Deferred : Replies.Outcome(result.OutcomeOf(i)), reply);
                    if (decisive is not null && (signal is null || signal.Code / 100 == 2)) signal = reply;
                }
                if (!session.IsUsable)
                {
                    AnswerRest(DeliveryOutcome.Deferred, Replies.ConnectionLost(_where, "the server closed the connection"));
                    break;
                }
            }
        }
        catch (SmtpClientException e)
        {
            var lost = e.Reply is { IsTransientFailure: true } transient ? Replies.From(transient) : Replies.ConnectionLost(_where, e.Message);
            signal = e.Reply is null ? signal : Replies.From(e.Reply);
            AnswerRest(DeliveryOutcome.Deferred, lost);
            return Done(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            AnswerRest(DeliveryOutcome.Deferred, Replies.ConnectionLost(_where, e.Message));
            return Done(false);
        }
        return Done(session.IsUsable);
    }

    /// <param name="Reply">Set when the message cannot go now (4yz: unreadable; 5yz: not convertible for this next hop).</param>
    private sealed record Prepared(ReadOnlyMemory<byte>? Body, BodyType BodyType, RemoteReply? Reply);

    /// <summary>
    /// The body as this next hop can take it: read from the body store (the one place this actor does), and converted to
    /// 7-bit for a server without 8BITMIME, per attempt and never stored. The MimeKit work runs on the thread pool.
    /// </summary>
    private async Task<Prepared> ContentAsync(DeliveryRequest request, ServerExtensions server)
    {
        byte[]? body;
        try
        {
            body = await _bodies.ReadAsync(request.QueueId, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.Warning(e, "Cannot read the body of {0}", request.QueueId);
            return new Prepared(null, request.BodyType, new RemoteReply(451, "4.3.0", $"message body unreadable: {e.GetBaseException().Message}"));
        }
        // A message completed meanwhile (a retry after a lost report delivered it): nothing to send.
        if (body is null) return new Prepared(null, request.BodyType, new RemoteReply(451, "4.3.0", "message body not in the body store (message no longer queued?)"));

        // BINARYMIME is the client's own verdict; a server that offers SMTPUTF8 takes 8-bit too (RFC 6531 3.1).
        if (server.EightBitMime || server.SmtpUtf8 || request.BodyType == BodyType.BinaryMime) return new Prepared(body, request.BodyType, null);
        SevenBitConversion.Outcome outcome;
        try
        {
            outcome = await Task.Run(() => SevenBitConversion.Convert(body, request.SmtpUtf8), _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The same bytes fail the same way next time: a permanent failure of this message, not of the connection.
            _log.Warning(e, "{0}: cannot convert to 7-bit", request.QueueId);
            return new Prepared(null, request.BodyType, new RemoteReply(554, "5.6.3", $"8-bit message cannot be converted to 7-bit for a server without 8BITMIME: {e.GetBaseException().Message}"));
        }
        switch (outcome)
        {
            case SevenBitConversion.Outcome.Converted converted:
                return new Prepared(converted.Body, BodyType.SevenBit, null);
            case SevenBitConversion.Outcome.Impossible impossible:
                _log.Info("{0}: {1}", request.QueueId, impossible.Reply);
                return new Prepared(null, request.BodyType, impossible.Reply);
            default:
                return new Prepared(body, request.BodyType, null);
        }
    }
}
