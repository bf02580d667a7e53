using ActorMta.Contracts;
using ActorMta.Queue;
using ActorMta.Queue.Partition;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;

namespace ActorMta.Bounces;

/// <summary>
/// The bounce stage of a node (one per node, like Postfix's bounce daemon): takes
/// <see cref="DsnRequest"/>s from the queue partitions on this node, reads the original body,
/// builds the DSN, queues it through <see cref="QueueIntake"/> and answers the partition,
/// through the queue's shard region, with <see cref="DsnEnqueued"/> or
/// <see cref="DsnNotEnqueued"/> (the partition asks again later).
///
/// Every request gets exactly one answer, within <see cref="BounceSettings.Timeout"/> of its
/// turn: the work runs off the actor with a deadline and any failure becomes DsnNotEnqueued.
/// At most <see cref="BounceSettings.MaxConcurrent"/> DSNs are in the works, the rest wait in
/// line, and beyond <see cref="BounceSettings.MaxWaiting"/> partitions are told to ask again.
///
/// A request for a message with a null reverse-path (which partitions never send) gets no DSN
/// (a notification is never answered with one) but DsnEnqueued with an empty DSN queue id, so
/// the partition records the recipients as reported and the message can complete instead of
/// asking forever.
/// </summary>
public sealed class Bouncer : ReceiveActor, IWithTimers
{
    /// <summary>Answered with <see cref="Load"/>: for the queue API and tests.</summary>
    public sealed record GetLoad
    {
        public static readonly GetLoad Instance = new();
    }

    public sealed record Load(int InProgress, int Waiting);

    private sealed record Routes(IActorRef Intake, IActorRef Partitions);

    private sealed record RoutesUnavailable(Exception Cause);

    private sealed record ResolveRoutes
    {
        public static readonly ResolveRoutes Instance = new();
    }

    /// <summary>One request done: the answer for its partition, and the DSN when one was queued.</summary>
    private sealed record Finished(DsnRequest Request, object Answer, DsnMessage? Dsn);

    private readonly BounceSettings _settings;
    private readonly DsnBuilder _builder;
    private readonly IMessageBodyReader _bodies;
    private readonly IReadOnlyActorRegistry _registry;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<DsnRequest> _waiting = new();
    /// <summary>Requests waiting or in the works: a partition that asks again meanwhile (after a restart) is not served twice.</summary>
    private readonly HashSet<(int Partition, string QueueId, DsnKind Kind)> _known = [];
    /// <summary>Answers given before the queue's region was known; sent once it is.</summary>
    private readonly List<object> _unsentAnswers = [];
    private Routes? _routes;
    private int _inProgress;

    public ITimerScheduler Timers { get; set; } = null!;

    public Bouncer(BounceSettings settings, DsnBuilder builder, IMessageBodyReader bodies, IReadOnlyActorRegistry registry, TimeProvider clock)
    {
        _settings = settings;
        _builder = builder;
        _bodies = bodies;
        _registry = registry;
        _clock = clock;

        Receive<DsnRequest>(Accept);
        Receive<Finished>(OnFinished);
        Receive<GetLoad>(_ => Sender.Tell(new Load(_inProgress, _waiting.Count)));
        Receive<Routes>(routes =>
        {
            _routes = routes;
            foreach (var answer in _unsentAnswers) routes.Partitions.Tell(answer);
            _unsentAnswers.Clear();
            StartWaiting();
        });
        Receive<RoutesUnavailable>(failed =>
        {
            _log.Error(failed.Cause, "Bounces: queue intake or queue region not registered; trying again");
            Timers.StartSingleTimer("resolve", ResolveRoutes.Instance, TimeSpan.FromSeconds(1));
        });
        Receive<ResolveRoutes>(_ => Resolve());
    }

    // The queue's intake and shard region are registered after this actor (partitions need it first).
    protected override void PreStart() => Resolve();

    /// <summary>Requests still in line would be lost with this instance: their partitions ask again.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        foreach (var request in _waiting)
            Reply(new DsnNotEnqueued(request.Partition, request.QueueId, request.Kind, "bounce stage restarted"));
        base.PreRestart(reason, message);
    }

    private void Resolve()
    {
        ResolveAsync(_registry).PipeTo(Self, failure: e => new RoutesUnavailable(e));
    }

    private static async Task<Routes> ResolveAsync(IReadOnlyActorRegistry registry)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return new Routes(await registry.GetAsync<QueueIntake>(timeout.Token), await registry.GetAsync<QueueRegion>(timeout.Token));
    }

    private void Accept(DsnRequest request)
    {
        if (request.Envelope.HasNullReversePath || request.Recipients.Count == 0)
        {
            _log.Error("Bounces: partition {0} asked for a {1} DSN for {2} with {3}; none is sent, the recipients count as reported",
                request.Partition, request.Kind, request.QueueId, request.Recipients.Count == 0 ? "no recipients" : "a null reverse-path");
            Reply(Enqueued(request, dsnQueueId: ""));
            return;
        }
        if (!_known.Add(Key(request))) return;
        if (_inProgress + _waiting.Count >= _settings.MaxConcurrent + _settings.MaxWaiting)
        {
            _known.Remove(Key(request));
            Reply(new DsnNotEnqueued(request.Partition, request.QueueId, request.Kind, $"bounce stage busy ({_waiting.Count} DSNs waiting)"));
            return;
        }
        _waiting.Enqueue(request);
        StartWaiting();
    }

    private void StartWaiting()
    {
        if (_routes is not { } routes) return;
        while (_inProgress < _settings.MaxConcurrent && _waiting.TryDequeue(out var request))
        {
            _inProgress++;
            ProduceAsync(request, routes).PipeTo(Self);
        }
    }

    /// <summary>Off the actor: read the original, build, queue. Never throws; always within the timeout.</summary>
    private async Task<Finished> ProduceAsync(DsnRequest request, Routes routes)
    {
        using var deadline = new CancellationTokenSource(_settings.Timeout);
        byte[]? original;
        try
        {
            original = await _bodies.ReadAsync(request.QueueId, deadline.Token);
        }
        catch (Exception e)
        {
            return NotEnqueued(request, $"original message not readable: {e.GetBaseException().Message}");
        }
        DsnMessage dsn;
        try
        {
            dsn = _builder.Build(request, original, _clock.GetUtcNow());
        }
        catch (Exception e)
        {
            _log.Error(e, "Bounces: {0} DSN for {1} could not be built", request.Kind, request.QueueId);
            return NotEnqueued(request, $"DSN not built: {e.GetBaseException().Message}");
        }
        try
        {
            var answer = await routes.Intake.Ask<object>(new QueueIntake.Enqueue(dsn.Envelope, dsn.Body), deadline.Token);
            return answer switch
            {
                QueueIntake.Enqueued enqueued => new Finished(request, Enqueued(request, enqueued.QueueId), dsn),
                QueueIntake.NotEnqueued refused => NotEnqueued(request, $"queue intake refused the DSN: {refused.Reason}"),
                _ => NotEnqueued(request, $"queue intake answered {answer.GetType().Name}"),
            };
        }
        catch (Exception e)
        {
            return NotEnqueued(request, e is TaskCanceledException or OperationCanceledException or AskTimeoutException
                ? $"queue intake did not answer within {_settings.Timeout.TotalSeconds:0}s"
                : $"DSN not queued: {e.GetBaseException().Message}");
        }
    }

    private void OnFinished(Finished finished)
    {
        _inProgress = Math.Max(0, _inProgress - 1);
        var request = finished.Request;
        _known.Remove(Key(request));
        Reply(finished.Answer);
        if (finished.Dsn is { } dsn && finished.Answer is DsnEnqueued enqueued)
            _log.Info("{0}", $"DSN {Kind(request)} for {request.QueueId} queued as {enqueued.DsnQueueId} to <{request.Envelope.ReversePath}>: "
                + string.Join(", ", request.Recipients.Select(r => $"<{r.Recipient.Address}> {DsnOutcome.Action(request.Kind)} {DsnOutcome.Status(request.Kind, r)}"))
                + $"; returned {dsn.Returned}, {dsn.Body.Length} bytes");
        else if (finished.Answer is DsnNotEnqueued failed)
            _log.Warning("DSN {0} for {1} not queued: {2}", Kind(request), request.QueueId, failed.Reason);
        StartWaiting();
    }

    /// <summary>Through the queue's region: the partition may have moved or restarted since it asked.</summary>
    private void Reply(object answer)
    {
        if (_routes is { } routes) routes.Partitions.Tell(answer);
        else _unsentAnswers.Add(answer);
    }

    private static string Kind(DsnRequest request) => request.Kind.ToString().ToLowerInvariant();

    private static (int, string, DsnKind) Key(DsnRequest request) => (request.Partition, request.QueueId, request.Kind);

    private static DsnEnqueued Enqueued(DsnRequest request, string dsnQueueId) =>
        new(request.Partition, request.QueueId, request.Kind, request.Recipients.Select(r => r.Index).ToArray(), dsnQueueId);

    private static Finished NotEnqueued(DsnRequest request, string reason) =>
        new(request, new DsnNotEnqueued(request.Partition, request.QueueId, request.Kind, reason), null);

    public static Props Props(BounceSettings settings, DsnBuilder builder, IMessageBodyReader bodies, IReadOnlyActorRegistry registry, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new Bouncer(settings, builder, bodies, registry, clock));
}
