using System.Text;
using ActorMta.Ingress.Http;
using Microsoft.Extensions.Time.Testing;

namespace ActorMta.Tests.Ingress.Http;

public sealed class IdempotencyMemoryTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2030-01-01T00:00:00Z"));

    private static byte[] Body(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task A_repeat_gets_the_first_answer_without_running_again_and_another_body_is_refused()
    {
        var memory = new IdempotencyMemory(10, TimeSpan.FromHours(1), _clock);
        var runs = 0;
        Task<InjectAnswer> Run() => Task.FromResult(new InjectAnswer(200, ++runs));

        var first = await memory.Answer("k", Body("{}"), Run)!;
        var repeat = await memory.Answer("k", Body("{}"), Run)!;

        Assert.Same(first, repeat);
        Assert.Equal(1, runs);
        Assert.Null(memory.Answer("k", Body("{ }"), Run));
        Assert.Equal(2, (await memory.Answer("other", Body("{}"), Run)!).Body);
    }

    [Fact]
    public async Task Keys_expire_and_the_oldest_go_first_when_full()
    {
        var memory = new IdempotencyMemory(2, TimeSpan.FromHours(1), _clock);
        var runs = 0;
        Task<InjectAnswer> Run() => Task.FromResult(new InjectAnswer(200, ++runs));

        await memory.Answer("a", Body("1"), Run)!;
        await memory.Answer("b", Body("1"), Run)!;
        await memory.Answer("c", Body("1"), Run)!;
        Assert.Equal(2, memory.Count);
        Assert.Equal(4, (await memory.Answer("a", Body("1"), Run)!).Body); // "a" was forgotten to make room
        Assert.Equal(3, (await memory.Answer("c", Body("1"), Run)!).Body);

        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(5, (await memory.Answer("c", Body("1"), Run)!).Body);
    }

    [Fact]
    public async Task An_answer_that_queued_nothing_for_want_of_a_queue_is_not_kept()
    {
        var memory = new IdempotencyMemory(10, TimeSpan.FromHours(1), _clock);
        var runs = 0;
        Task<InjectAnswer> Run() => Task.FromResult(new InjectAnswer(++runs == 1 ? 503 : 200, runs));

        Assert.Equal(503, (await memory.Answer("k", Body("{}"), Run)!).Status);
        Assert.Equal(200, (await memory.Answer("k", Body("{}"), Run)!).Status);
        Assert.Equal(200, (await memory.Answer("k", Body("{}"), Run)!).Status);
        Assert.Equal(2, runs);
    }
}
