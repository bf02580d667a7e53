using System.Buffers;
using ActorMta.Ingress.Policy;
using ActorMta.Ingress.Trace;
using ActorMta.Queue;
using ActorMta.Smtp;
using Akka.Actor;
using Akka.Event;
using ActorMta.Contracts;

namespace ActorMta.Ingress.Sessions;

/// <summary>The mail transaction: MAIL, RCPT (relay policy, recipient limit), DATA and BDAT, the trace header, the hand-off to the queue.</summary>
public sealed partial class SessionActor
{
    /// <summary>The intake's answer (<see cref="QueueIntake.Enqueued"/> / <see cref="QueueIntake.NotEnqueued"/>), or null when none came in time.</summary>
    private sealed record QueueAnswered(object? Answer, string? Failure);

    private MailTransaction? _transaction;
    private MessageBuffer? _body;
    private DataReader? _data;
    private ChunkReader? _chunks;
    private bool _lastChunk;
    /// <summary>The verb carrying this transaction's body (DATA or BDAT): the one whose completion ends it.</summary>
    private SmtpVerb _bodyVerb;
    private int _transactions;

    private void Mail(SmtpCommand command)
    {
        if (_setup.Listener.RequiresAuth && _authenticatedUser is null)
        {
            Refuse(_connection.IsTls ? SessionReplies.AuthenticationRequired : SessionReplies.MustStartTls);
            return;
        }
        var parameters = command.MailParameters;
        if (parameters.Size > _setup.Limits.MaxMessageSize)
        {
            Refuse(SmtpReplies.MessageTooBig);
            return;
        }
        _transaction = new MailTransaction(command.ToReversePath(), parameters, command.ToEnvelopeId());
        Advance(SmtpVerb.Mail);
        Reply(SmtpReplies.SenderOk);
    }

    private void Data()
    {
        _bodyVerb = SmtpVerb.Data;
        BeginBody();
        _connection.Write(SmtpReplies.StartMailInput);
        _data ??= new DataReader(_setup.SmtpLimits);
        _data.Reset();
        _phase = Phase.Data;
        Run(_connection.ReadDataAsync(_data, _body!, _setup.Timeouts.DataBlock, _setup.Timeouts.DataTermination));
    }

    private void Chunk(long size, bool last)
    {
        if ((_offered & SmtpExtensions.Chunking) == 0)
        {
            RefuseChunk(SessionReplies.BdatWithoutChunking, size);
            return;
        }
        var transaction = _transaction!;
        _bodyVerb = SmtpVerb.Bdat;
        if (!transaction.BodyStarted)
        {
            BeginBody();
            (_chunks ??= new ChunkReader(_setup.SmtpLimits)).Reset();
        }
        var chunks = _chunks!;
        if (chunks.MessageSize + size > _setup.Limits.MaxMessageSize)
        {
            // Refuse at once rather than read it all; the transaction is over (RFC 3030: the client sends RSET).
            _refused++;
            AbortTransaction();
            RefuseChunk(SmtpReplies.MessageTooBig, size);
            return;
        }
        chunks.BeginChunk(size, last);
        _lastChunk = last;
        _phase = Phase.Chunk;
        Run(_connection.ReadChunkAsync(chunks, _body, _setup.Timeouts.DataBlock, DataTimeLeft()));
    }

    /// <summary>A BDAT refused before its chunk was read: answer, then read past the chunk to the next command.</summary>
    private void RefuseChunk(SmtpReply reply, long size)
    {
        _connection.Write(reply);
        _errors++;
        var skipper = _chunks ??= new ChunkReader(_setup.SmtpLimits);
        skipper.BeginSkip(size);
        _phase = Phase.SkipChunk;
        Run(_connection.ReadChunkAsync(skipper, null, _setup.Timeouts.DataBlock, _setup.Timeouts.DataTermination));
    }

    private void OnInputComplete()
    {
        switch (_phase)
        {
            case Phase.SkipChunk:
                NextCommand();
                break;
            case Phase.Data:
                EndOfMessage(_data!.Violations);
                break;
            case Phase.Chunk when !_lastChunk:
                Advance(SmtpVerb.Bdat);
                _connection.Write(250, new EnhancedStatusCode(2, 0, 0), $"Ok: {_chunks!.MessageSize} octets received");
                NextCommand();
                break;
            case Phase.Chunk:
                EndOfMessage(_chunks!.Violations);
                break;
        }
    }

    /// <summary>The body's first octets are the trace header; everything is known by now but the queue id.</summary>
    private void BeginBody()
    {
        var transaction = _transaction!;
        transaction.BodyStarted = true;
        transaction.BodyStartedAt = _setup.Clock.GetTimestamp();
        _transactions++;
        var trace = ReceivedHeader.Format(new ReceivedTrace(
            _heloName!,
            _connection.ClientAddress,
            _setup.Hostname,
            _extendedHello,
            transaction.Parameters.SmtpUtf8,
            $"{_sessionId}-{_transactions}",
            _tlsProtocol,
            _tlsCipher,
            _authenticatedUser,
            transaction.Recipients.Count == 1 ? transaction.Recipients[0].Address : null,
            _setup.Clock.GetLocalNow()));
        _body ??= new MessageBuffer(_setup.Spool, _setup.Limits.SpoolThreshold);
        _body.Clear();
        _body.Write(trace);
        _body.CountHopsFromHere(_setup.PoolChoice.HeaderField);
    }

    private TimeSpan DataTimeLeft()
    {
        var left = _setup.Timeouts.DataTermination - _setup.Clock.GetElapsedTime(_transaction!.BodyStartedAt);
        return left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1);
    }

    private void EndOfMessage(DataViolations violations)
    {
        _endOfDataAt = _setup.Clock.GetTimestamp();
        if (!_setup.Limits.RejectLongTextLines) violations &= ~DataViolations.LineTooLong;
        var body = _body!;
        var refusal = violations.ToRejectionReply();
        if (refusal is null && body.SpoolFailure is { } failure)
        {
            _log.Warning("smtp {0} session {1}: message not spooled, client told 451: {2}", _setup.Listener.Name, _sessionId, failure);
            refusal = SessionReplies.SpoolUnavailable;
        }
        if (refusal is null && body.Hops > _setup.Limits.MaxReceivedHeaders) refusal = SessionReplies.MailLoop;
        string? pool = null;
        if (refusal is null && !ChoosePool(body.RemovedFieldValues(), out pool, out var why)) refusal = new SmtpReply(554, $"5.6.0 {why}");
        if (refusal is not null)
        {
            body.Clear();
            _refused++;
            EndTransaction();
            Refuse(refusal);
            return;
        }

        var client = new ActorMta.Contracts.SubmittingClient(_connection.ClientAddress.ToString(), _heloName!, _setup.Listener.Name,
            _authenticatedUser, _tlsProtocol, _tlsCipher);
        var envelope = _transaction!.ToEnvelope(client, _setup.Clock.GetUtcNow()) with { Pool = pool };
        _phase = Phase.Queue;
        // Ask: a late answer goes to the ask's own temporary actor, never to a later transaction.
        var answer = body.IsSpooled ? EnqueueSpooledAsync(envelope, body.DetachSpool()) : _queue.Ask<object>(new QueueIntake.Enqueue(envelope, body.ToArray()), _setup.AcceptTimeout);
        body.Clear();
        answer.PipeTo(Self, success: answer => new QueueAnswered(answer, null), failure: e => new QueueAnswered(null, e.GetBaseException().Message));
    }

    /// <summary>
    /// The egress pool the message asks for: its pool header from a client that may relay (one that may not has it
    /// removed and ignored), else its AUTH user's. False, with why, when the header names no pool here (or two).
    /// </summary>
    private bool ChoosePool(IReadOnlyList<string> headerValues, out string? pool, out string? why)
    {
        var choice = _setup.PoolChoice;
        var header = MayRelay && headerValues.Count > 0 ? headerValues[0] : null;
        if (header is not null && headerValues.Any(v => v != header))
        {
            (pool, why) = (null, $"more than one {choice.HeaderField} field, naming different pools");
            return false;
        }
        pool = choice.Choose(header, _authenticatedUser, out why);
        return why is null;
    }

    /// <summary>A large message: its spool file is finished off the session's thread, then handed to the intake (which owns it from then on).</summary>
    private async Task<object> EnqueueSpooledAsync(ActorMta.Contracts.SmtpEnvelope envelope, PendingSpool pending)
    {
        var (queue, timeout) = (_queue, _setup.AcceptTimeout);
        var spooled = await Task.Run(pending.CompleteAsync);
        return await queue.Ask<object>(new QueueIntake.Enqueue(envelope, ReadOnlyMemory<byte>.Empty, spooled), timeout);
    }

    private void OnQueueAnswered(QueueAnswered answered)
    {
        if (_phase != Phase.Queue) return;
        EndTransaction();
        switch (answered.Answer)
        {
            case QueueIntake.Enqueued enqueued:
                _accepted++;
                _connection.Write(250, new EnhancedStatusCode(2, 0, 0), $"Ok: queued as {enqueued.QueueId}");
                IngressMetrics.Accepted(_setup.Clock.GetElapsedTime(_endOfDataAt));
                break;
            default:
                // The client keeps the message and tries again; it did nothing wrong, so no error is counted.
                _refused++;
                var reason = answered.Answer is QueueIntake.NotEnqueued refused ? refused.Reason
                    : $"no answer within {_setup.AcceptTimeout.TotalSeconds:0.###}s ({answered.Failure})";
                _log.Warning("smtp {0} session {1}: message not queued, client told 451: {2}", _setup.Listener.Name, _sessionId, reason);
                _connection.Write(SessionReplies.QueueUnavailable);
                break;
        }
        NextCommand();
    }

    /// <summary>The message has been read and answered (queued or refused): DATA or BDAT LAST completes, as the table says.</summary>
    private void EndTransaction()
    {
        ResetTransaction();
        Advance(_bodyVerb, lastChunk: true);
    }

    /// <summary>The transaction is cut short (RFC 3030: an oversized chunk): as if the client had sent RSET.</summary>
    private void AbortTransaction()
    {
        ResetTransaction();
        Advance(SmtpVerb.Rset);
    }

    private void ResetTransaction()
    {
        _transaction = null;
        if (!_operationRunning) _body?.Clear();
    }
}
