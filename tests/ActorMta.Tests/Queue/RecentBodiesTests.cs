using ActorMta.Queue;
using ActorMta.Queue.Bodies;
using ActorMta.TestSupport;

namespace ActorMta.Tests.Queue;

public sealed class RecentBodiesTests
{
    [Fact]
    public void The_oldest_bodies_go_first_when_the_budget_is_exceeded_and_a_removed_one_frees_its_bytes()
    {
        var recent = new RecentBodies(capacityBytes: 16 * 100);
        for (var i = 0; i < 16; i++) recent.Add($"q{i}", new byte[100]);
        Assert.Equal(1600, recent.Bytes);

        recent.Add("q16", new byte[100]);
        Assert.Null(recent.Find("q0"));
        Assert.NotNull(recent.Find("q1"));
        Assert.NotNull(recent.Find("q16"));
        Assert.Equal(1600, recent.Bytes);

        recent.Remove("q5");
        Assert.Null(recent.Find("q5"));
        Assert.Equal(1500, recent.Bytes);
        recent.Add("q17", new byte[100]);
        Assert.NotNull(recent.Find("q1")); // the freed room took it: nothing older had to go
        Assert.Equal(16, recent.Count);
    }

    [Fact]
    public void A_body_larger_than_a_sixteenth_of_the_budget_is_not_kept()
    {
        var recent = new RecentBodies(capacityBytes: 1600);
        recent.Add("small", new byte[100]);
        recent.Add("large", new byte[101]);
        Assert.NotNull(recent.Find("small"));
        Assert.Null(recent.Find("large"));
    }

    [Fact]
    public async Task A_stored_body_is_read_from_memory_until_it_is_deleted_and_a_store_that_failed_leaves_nothing_there()
    {
        using var directory = new TempDirectory();
        var store = new MessageBodyStore(QueueTestKit.SqliteJournal(directory), recentBodiesBytes: 1024 * 1024);
        await store.CreateTableAsync(CancellationToken.None);
        var body = new StoredBody(QueueId.New(1, DateTimeOffset.UtcNow), 1, new byte[] { 1, 2, 3, 4 });
        await store.StoreAsync([body], DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(new byte[] { 1, 2, 3, 4 }, await store.ReadAsync(body.QueueId, CancellationToken.None));
        Assert.Equal(1, store.ReadsFromMemory);

        await store.DeleteAsync([body.QueueId], CancellationToken.None);
        Assert.Null(await store.ReadAsync(body.QueueId, CancellationToken.None));
        Assert.Equal(1, store.ReadsFromMemory);

        // A round that fails (a queue id stored twice breaks the primary key) stores none of its bodies: none is in memory.
        var first = new StoredBody(QueueId.New(1, DateTimeOffset.UtcNow), 1, new byte[] { 5 });
        await store.StoreAsync([first], DateTimeOffset.UtcNow, CancellationToken.None);
        var newcomer = new StoredBody(QueueId.New(1, DateTimeOffset.UtcNow), 1, new byte[] { 7 });
        await Assert.ThrowsAnyAsync<Exception>(() => store.StoreAsync([newcomer, first with { Body = new byte[] { 6 } }], DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Null(await store.ReadAsync(newcomer.QueueId, CancellationToken.None));
        Assert.Equal(new byte[] { 5 }, await store.ReadAsync(first.QueueId, CancellationToken.None));
        Assert.Equal(2, store.ReadsFromMemory);
    }
}
