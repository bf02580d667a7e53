using ActorMta.Contracts;
using Akka.Actor;
using static ActorMta.Delivery.Connections.ConnectionProtocol;

namespace ActorMta.Delivery.Maildir;

/// <summary>
/// The maildir route's stand-in for a connection: same protocol, same limits, but each message
/// is written into a local maildir, one file per recipient, and reported delivered.
/// </summary>
public sealed class MaildirWriter : ReceiveActor
{
    private readonly MaildirFolder _folder;
    private readonly IMessageBodyReader _bodies;

    public MaildirWriter(MaildirFolder folder, IMessageBodyReader bodies)
    {
        _folder = folder;
        _bodies = bodies;
        Receive<Transmit>(transmit => WriteAsync(transmit.Request).PipeTo(Self));
        Receive<Transmitted>(written => Context.Parent.Tell(written));
        Receive<Close>(_ => Context.Stop(Self));
    }

    protected override void PreStart()
    {
        try
        {
            _folder.Create();
            Context.Parent.Tell(new Opened("maildir", _folder.Directory, false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Context.Parent.Tell(new OpenFailed(new RemoteReply(451, "4.3.0", $"cannot create maildir {_folder.Directory}: {e.Message}"), null));
            Context.Stop(Self);
        }
    }

    private async Task<Transmitted> WriteAsync(DeliveryRequest request)
    {
        var results = new List<RecipientResult>(request.Recipients.Count);
        try
        {
            var body = await _bodies.ReadAsync(request.QueueId, CancellationToken.None).ConfigureAwait(false);
            if (body is null) return Deferred(request, new RemoteReply(451, "4.3.0", "message body not in the body store (message no longer queued?)"));
            foreach (var recipient in request.Recipients)
            {
                var path = await _folder.DeliverAsync(request.ReversePath, recipient.Address, body, CancellationToken.None).ConfigureAwait(false);
                results.Add(new RecipientResult(recipient.Index, DeliveryOutcome.Delivered,
                    new RemoteReply(250, "2.0.0", $"delivered to maildir as {Path.GetFileName(path)}"), "maildir", _folder.Directory));
            }
            return new Transmitted(request, results, null, true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            var reply = new RemoteReply(451, "4.3.0", $"maildir delivery failed: {e.Message}");
            foreach (var recipient in request.Recipients.Skip(results.Count))
                results.Add(new RecipientResult(recipient.Index, DeliveryOutcome.Deferred, reply, "maildir", _folder.Directory));
            return new Transmitted(request, results, null, true);
        }
    }

    private Transmitted Deferred(DeliveryRequest request, RemoteReply reply) =>
        new(request, request.Recipients.Select(r => new RecipientResult(r.Index, DeliveryOutcome.Deferred, reply, "maildir", _folder.Directory)).ToArray(), null, true);

    public static Props Props(MaildirFolder folder, IMessageBodyReader bodies) => Akka.Actor.Props.Create(() => new MaildirWriter(folder, bodies));
}
