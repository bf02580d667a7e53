using System.Buffers;

namespace ActorMta.Smtp.Client;

/// <summary>Mail transactions: MAIL, RCPT, then DATA or BDAT; grouped when the server offers PIPELINING.</summary>
public sealed partial class SmtpClientSession
{
    // The body goes through the pipe in slices this big: memory per connection stays bounded and
    // each slice's send is one "data block" for the RFC 5321 4.5.3.2.5 timeout.
    private const int ContentSlice = 64 * 1024;

    /// <summary>
    /// One transaction: MAIL, RCPT per recipient, then DATA (dot-stuffed) or BDAT; pipelined when
    /// offered. Checks first, without sending: a message larger than the server's SIZE fails with
    /// 552 5.3.4; one that needs SMTPUTF8 to a server without it fails with 553 5.6.7; a BINARYMIME one
    /// without CHUNKING and BINARYMIME fails with 554 5.6.3 (reported as replies in the result, marked
    /// <see cref="TransactionResult.LocalVerdict"/>). After a transaction that stopped early, the next starts with RSET.
    /// A 421 at any point ends the session (<see cref="IsUsable"/> false); recipients without a final answer are deferred.
    /// </summary>
    /// <exception cref="SmtpClientException">the connection failed mid-transaction (outcomes are unknown: defer).</exception>
    public async Task<TransactionResult> SendAsync(OutboundMessage message, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Recipients.Count == 0) throw new ArgumentException("a transaction needs at least one recipient", nameof(message));
        // Callers check with OutboundEnvelope first and fail what cannot be sent on its own; this is the last guard.
        if (OutboundEnvelope.CheckMessage(message.ReversePath, message.EnvelopeId) is { } refusal)
            throw new ArgumentException(refusal.ToString(), nameof(message));
        foreach (var recipient in message.Recipients)
        {
            if (OutboundEnvelope.CheckRecipient(recipient.Address, recipient.OriginalRecipient) is { } refused)
                throw new ArgumentException(refused.ToString(), nameof(message));
        }

        if (TransactionPlan.Decide(message, Extensions, _options, out var verdict) is not { } plan)
            return TransactionResult.Local(verdict!, message.Recipients.Count);

        Enter();
        try
        {
            if (_closing || _connection.IsBroken) throw new SmtpClientException(SessionStage.Transaction, "the connection is no longer usable");
            return plan.Pipelined
                ? await SendPipelinedAsync(message, plan, cancellation).ConfigureAwait(false)
                : await SendLockStepAsync(message, plan, cancellation).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>RFC 2920: [RSET] MAIL, every RCPT [and DATA] in one send, then their replies in order.</summary>
    private async Task<TransactionResult> SendPipelinedAsync(OutboundMessage message, TransactionPlan plan, CancellationToken cancellation)
    {
        var output = _connection.Output;
        var reset = _needsReset;
        if (reset) ClientCommands.Reset(output);
        ClientCommands.Mail(output, message, plan);
        foreach (var recipient in message.Recipients) ClientCommands.Recipient(output, recipient, plan.Dsn);
        if (!plan.Chunked) ClientCommands.Data(output);
        await FlushAsync(SessionStage.Transaction, _options.Timeouts.Command, "the envelope", cancellation).ConfigureAwait(false);
        _transactions++;

        var recipients = new SmtpReply?[message.Recipients.Count];
        if (reset && await ResetReplyAsync(cancellation).ConfigureAwait(false) is { } closing) return Closed(closing, recipients, null);

        var mail = await ReadAsync(SessionStage.Transaction, _options.Timeouts.Command, "MAIL", cancellation).ConfigureAwait(false);
        if (mail.Code == 421) return Closed(mail, recipients, null);
        for (var i = 0; i < recipients.Length; i++)
        {
            var reply = recipients[i] = await ReadAsync(SessionStage.Transaction, _options.Timeouts.Command, "RCPT", cancellation).ConfigureAwait(false);
            if (reply.Code == 421) return Closed(mail, recipients, null);
        }

        var accepted = mail.IsPositiveCompletion && Array.Exists(recipients, r => r!.IsPositiveCompletion);
        if (plan.Chunked) return await SendChunksAsync(message, mail, recipients, accepted, pipelined: true, cancellation).ConfigureAwait(false);
        var go = await ReadAsync(SessionStage.Transaction, _options.Timeouts.DataInitiation, "DATA", cancellation).ConfigureAwait(false);
        return await SendDataAsync(message, mail, recipients, accepted, go, cancellation).ConfigureAwait(false);
    }

    /// <summary>One command, one reply: stops at a refused MAIL, and before the content when no recipient was accepted.</summary>
    private async Task<TransactionResult> SendLockStepAsync(OutboundMessage message, TransactionPlan plan, CancellationToken cancellation)
    {
        var recipients = new SmtpReply?[message.Recipients.Count];
        if (_needsReset)
        {
            ClientCommands.Reset(_connection.Output);
            await FlushAsync(SessionStage.Transaction, _options.Timeouts.Command, "RSET", cancellation).ConfigureAwait(false);
            if (await ResetReplyAsync(cancellation).ConfigureAwait(false) is { } closing) return Closed(closing, recipients, null);
        }

        ClientCommands.Mail(_connection.Output, message, plan);
        var mail = await CommandAsync(SessionStage.Transaction, "MAIL", cancellation).ConfigureAwait(false);
        _transactions++;
        if (mail.Code == 421) return Closed(mail, recipients, null);
        if (!mail.IsPositiveCompletion) return new TransactionResult(mail, recipients, null);

        var accepted = false;
        for (var i = 0; i < recipients.Length; i++)
        {
            ClientCommands.Recipient(_connection.Output, message.Recipients[i], plan.Dsn);
            var reply = recipients[i] = await CommandAsync(SessionStage.Transaction, "RCPT", cancellation).ConfigureAwait(false);
            if (reply.Code == 421) return Closed(mail, recipients, null);
            accepted |= reply.IsPositiveCompletion;
        }

        if (!accepted)
        {
            _needsReset = true;
            return new TransactionResult(mail, recipients, null);
        }
        if (plan.Chunked) return await SendChunksAsync(message, mail, recipients, accepted, pipelined: false, cancellation).ConfigureAwait(false);

        ClientCommands.Data(_connection.Output);
        await FlushAsync(SessionStage.Transaction, _options.Timeouts.Command, "DATA", cancellation).ConfigureAwait(false);
        var go = await ReadAsync(SessionStage.Transaction, _options.Timeouts.DataInitiation, "DATA", cancellation).ConfigureAwait(false);
        return await SendDataAsync(message, mail, recipients, accepted, go, cancellation).ConfigureAwait(false);
    }

    /// <summary>The RSET reply: null when it was 2yz, the reply when it was 421; anything else leaves the session out of step.</summary>
    private async Task<SmtpReply?> ResetReplyAsync(CancellationToken cancellation)
    {
        var reply = await ReadAsync(SessionStage.Transaction, _options.Timeouts.Command, "RSET", cancellation).ConfigureAwait(false);
        if (reply.Code == 421) return reply;
        if (!reply.IsPositiveCompletion) throw _connection.Break(SessionStage.Transaction, $"RSET refused: {reply}", reply);
        _needsReset = false;
        return null;
    }

    /// <summary>After the reply to DATA: the content if it was 354 (only "." when no recipient was accepted, RFC 2920 3.1).</summary>
    private async Task<TransactionResult> SendDataAsync(
        OutboundMessage message, SmtpReply mail, SmtpReply?[] recipients, bool accepted, SmtpReply go, CancellationToken cancellation)
    {
        if (go.Code != 354)
        {
            if (go.Code == 421) return Closed(mail, recipients, go);
            _needsReset = mail.IsPositiveCompletion; // the server still holds MAIL and the accepted RCPTs
            return new TransactionResult(mail, recipients, go);
        }

        var stuffer = new DotStuffer();
        var content = accepted ? message.Body : ReadOnlyMemory<byte>.Empty;
        for (var offset = 0; offset < content.Length; offset += ContentSlice)
        {
            stuffer.Write(_connection.Output, content.Slice(offset, Math.Min(ContentSlice, content.Length - offset)).Span);
            // The last slice goes out with the end of data: one send, not two, for a message under a slice.
            if (offset + ContentSlice < content.Length)
                await FlushAsync(SessionStage.Transaction, _options.Timeouts.DataBlock, "the message content", cancellation).ConfigureAwait(false);
        }
        stuffer.Complete(_connection.Output);
        await FlushAsync(SessionStage.Transaction, _options.Timeouts.DataBlock, "the end of data", cancellation).ConfigureAwait(false);

        var end = await ReadAsync(SessionStage.Transaction, _options.Timeouts.DataTermination, "the end of data", cancellation).ConfigureAwait(false);
        _needsReset = false; // the reply to "." ends the transaction whatever it says
        return end.Code == 421 ? Closed(mail, recipients, end) : new TransactionResult(mail, recipients, end);
    }

    /// <summary>
    /// RFC 3030: the body byte for byte in "BDAT n" chunks, the last one "BDAT n LAST". Pipelined, every
    /// chunk goes before the replies are read; else each chunk waits for its 250 and a refusal stops it.
    /// </summary>
    private async Task<TransactionResult> SendChunksAsync(
        OutboundMessage message, SmtpReply mail, SmtpReply?[] recipients, bool accepted, bool pipelined, CancellationToken cancellation)
    {
        if (!accepted)
        {
            _needsReset = mail.IsPositiveCompletion;
            return new TransactionResult(mail, recipients, null);
        }

        var body = message.Body;
        var chunkSize = _options.MaxChunkSize;
        var chunks = Math.Max(1, (body.Length + chunkSize - 1) / chunkSize);
        SmtpReply? refusal = null;
        SmtpReply? last = null;
        for (var sent = 0; sent < chunks;)
        {
            // Pipelined: write all chunks, then read all replies. Lock-step: one chunk, one reply.
            var sendUpTo = pipelined ? chunks : sent + 1;
            for (var k = sent; k < sendUpTo; k++)
            {
                var chunk = body.Slice(k * chunkSize, Math.Min(chunkSize, body.Length - k * chunkSize));
                ClientCommands.Chunk(_connection.Output, chunk.Length, last: k == chunks - 1);
                await WriteContentAsync(chunk, cancellation).ConfigureAwait(false);
            }
            for (; sent < sendUpTo; sent++)
            {
                var timeout = sent == chunks - 1 ? _options.Timeouts.DataTermination : _options.Timeouts.Command;
                last = await ReadAsync(SessionStage.Transaction, timeout, "BDAT", cancellation).ConfigureAwait(false);
                if (last.Code == 421) return Closed(mail, recipients, refusal ?? last);
                if (!last.IsPositiveCompletion) refusal ??= last;
            }
            if (refusal is not null) break;
        }

        // A refused chunk may leave the transaction open on the server; the reply to BDAT LAST ends it.
        _needsReset = refusal is not null;
        return new TransactionResult(mail, recipients, refusal ?? last);
    }

    /// <summary>Writes content as it is (BDAT), slice by slice, each slice one timed send.</summary>
    private async ValueTask WriteContentAsync(ReadOnlyMemory<byte> content, CancellationToken cancellation)
    {
        var offset = 0;
        do
        {
            var slice = content.Slice(offset, Math.Min(ContentSlice, content.Length - offset));
            _connection.Output.Write(slice.Span);
            await FlushAsync(SessionStage.Transaction, _options.Timeouts.DataBlock, "the message content", cancellation).ConfigureAwait(false);
            offset += slice.Length;
        }
        while (offset < content.Length);
    }

    private TransactionResult Closed(SmtpReply mail, SmtpReply?[] recipients, SmtpReply? data)
    {
        _closing = true; // 421: the server is closing the connection (RFC 5321 3.8)
        return new TransactionResult(mail, recipients, data);
    }
}
