using Akka.Actor;
using Akka.Cluster;

namespace ActorMta.Fleet;

/// <summary>
/// Answers "who is in the fleet" for the management endpoint, adding what Akka's cluster state
/// lacks: since when each member has been Up (as seen by this node).
/// </summary>
public sealed class ClusterMembersView : ReceiveActor
{
    public sealed record Get
    {
        public static readonly Get Instance = new();
    }

    public sealed record MemberView(string Node, long NodeUid, string Status, IReadOnlyList<string> Roles, DateTimeOffset? UpSince);

    public sealed record Snapshot(string SelfNode, string? Leader, string? Oldest, IReadOnlyList<MemberView> Members, IReadOnlyList<string> Unreachable);

    private readonly Dictionary<UniqueAddress, DateTimeOffset> _upSince = new();

    public ClusterMembersView()
    {
        var cluster = Cluster.Get(Context.System);
        Receive<ClusterEvent.MemberUp>(up => _upSince.TryAdd(up.Member.UniqueAddress, DateTimeOffset.UtcNow));
        Receive<ClusterEvent.MemberRemoved>(removed => _upSince.Remove(removed.Member.UniqueAddress));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<Get>(_ => Sender.Tell(Describe(cluster)));
    }

    private Snapshot Describe(Cluster cluster)
    {
        var state = cluster.State;
        var oldest = state.Members.Where(m => m.Status == MemberStatus.Up).OrderBy(m => m, Member.AgeOrdering).FirstOrDefault();
        var members = state.Members
            .Select(m => new MemberView(
                m.Address.ToString(),
                m.UniqueAddress.Uid,
                m.Status.ToString(),
                m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToArray(),
                _upSince.TryGetValue(m.UniqueAddress, out var since) ? since : null))
            .ToArray();
        return new Snapshot(
            cluster.SelfAddress.ToString(),
            state.Leader?.ToString(),
            oldest?.Address.ToString(),
            members,
            state.Unreachable.Select(m => m.Address.ToString()).ToArray());
    }

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    public static Props Props() => Akka.Actor.Props.Create(() => new ClusterMembersView());
}
