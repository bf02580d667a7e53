using System.Globalization;
using System.Text.RegularExpressions;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.IntegrationTests.Fleet;

/// <summary>One accepted transaction at the next hop: which message, when it was complete, and when its connection was opened.</summary>
internal sealed record Arrival(int Index, DateTimeOffset At, DateTimeOffset ConnectedAt);

/// <summary>The next hop's accepted transactions matched to the numbered messages of a <see cref="MailLoad"/>.</summary>
internal sealed partial class Deliveries
{
    private Deliveries(IReadOnlyList<Arrival> received)
    {
        Received = received;
        Indexes = received.Select(r => r.Index).ToHashSet();
    }

    /// <summary>Every accepted transaction, in the order the sink completed them, with the message's index.</summary>
    public IReadOnlyList<Arrival> Received { get; }

    public IReadOnlySet<int> Indexes { get; }

    /// <summary>Deliveries beyond the first of the same message.</summary>
    public int Duplicates => Received.Count - Indexes.Count;

    public static Deliveries Of(TestSmtpSink sink) =>
        new([.. sink.Messages.Select(m => new Arrival(IndexOf(m), m.ReceivedAt, m.ConnectedAt))]);

    /// <summary>
    /// Polls the sink until every index in <paramref name="promised"/> was delivered or <paramref name="within"/> is over,
    /// and returns what arrived either way: the caller's assertions say what is missing.
    /// </summary>
    public static async Task<Deliveries> WaitForAsync(TestSmtpSink sink, IReadOnlyCollection<int> promised, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var deliveries = Of(sink);
            if (deliveries.Missing(promised).Count == 0 || DateTime.UtcNow >= deadline) return deliveries;
            await Task.Delay(200);
        }
    }

    public IReadOnlyList<int> Missing(IEnumerable<int> promised) => [.. promised.Where(i => !Indexes.Contains(i))];

    /// <summary>When the first delivery of each of <paramref name="indexes"/> arrived.</summary>
    public IEnumerable<DateTimeOffset> FirstArrivals(IEnumerable<int> indexes)
    {
        var first = Received.GroupBy(r => r.Index).ToDictionary(g => g.Key, g => g.Min(r => r.At));
        return indexes.Where(first.ContainsKey).Select(i => first[i]);
    }

    /// <summary>One line for the test output: counts, duplicates and arrival times relative to <paramref name="since"/>.</summary>
    public string Summary(IReadOnlyCollection<int> promised, DateTimeOffset since, string sinceWhat)
    {
        var first = Received.Count == 0 ? "none" : $"{(Received.Min(r => r.At) - since).TotalSeconds:0.0} s";
        var arrivals = FirstArrivals(promised).ToArray();
        var last = arrivals.Length == 0 ? "none" : $"{(arrivals.Max() - since).TotalSeconds:0.0} s";
        return string.Create(CultureInfo.InvariantCulture,
            $"at {since:HH:mm:ss.fff} UTC; promised (250) {promised.Count}, delivered {Indexes.Count} distinct in {Received.Count} transactions, duplicates {Duplicates}, missing {Missing(promised).Count}; first delivery {first} after {sinceWhat}, last promised one {last} after");
    }

    private static int IndexOf(ReceivedMessage message)
    {
        var match = IndexPattern().Match(message.BodyText);
        if (!match.Success) throw new InvalidOperationException($"a delivered message without {MailLoad.IndexHeader}: {message.BodyText[..Math.Min(300, message.BodyText.Length)]}");
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^X-Fleet-Index: (\d+)\r?$", RegexOptions.Multiline)]
    private static partial Regex IndexPattern();
}
