using System.Diagnostics;
using CsCheck;

namespace ActorMta.Smtp.Fuzzing;

/// <summary>
/// The wire fuzzing properties with their generators, run by the unit tests (a slice) and by
/// tests/ActorMta.Benchmarks' `fuzz` command (the long run). A failure's message carries the
/// CsCheck seed that replays it: set it with CsCheck_Seed=... or pass it to <see cref="Run"/>.
/// </summary>
internal static class WireFuzzing
{
    public sealed record Property(string Name, Action<long, string?, Action<string>?> Sample);

    private static readonly Gen<SmtpExtensions> Offered = Gen.OneOf(
        EnvelopeProperty.Everything, EnvelopeProperty.Everything & ~SmtpExtensions.BinaryMime, SmtpExtensions.None,
        EnvelopeProperty.Everything & ~SmtpExtensions.Dsn);

    private static readonly Gen<BareLineEndingHandling> Bare = Gen.OneOf(BareLineEndingHandling.Reject, BareLineEndingHandling.Normalize);

    private static readonly Gen<string> ReplyText = Gen.String[Gen.Char['\x20', '\x7e'], 0, 60];

    public static readonly Property[] All =
    [
        new("command-lines", (iter, seed, log) => Gen.Select(FuzzInputs.CommandLine, Offered, Gen.Bool)
            .Sample((line, offered, utf8) => WireProperties.CommandLine(line, offered, utf8), writeLine: log, seed: seed, iter: iter,
                print: t => FuzzInputs.Show(t.Item1))),
        new("mail-rcpt-envelopes", (iter, seed, log) => Gen.Select(FuzzInputs.PathCommand, Gen.Bool)
            .Sample((line, utf8) => WireProperties.CommandLine(line, EnvelopeProperty.Everything, utf8), writeLine: log, seed: seed, iter: iter,
                print: t => FuzzInputs.Show(t.Item1))),
        new("data-streams", (iter, seed, log) => Gen.Select(FuzzInputs.Stream(FuzzInputs.ContentTokens, 30), Bare)
            .Sample((stream, bare) => WireProperties.Data(stream.Stream, stream.Cuts, bare), writeLine: log, seed: seed, iter: iter,
                print: t => $"{t.Item2} {FuzzInputs.Show(t.Item1.Stream)} cut {string.Join(",", t.Item1.Cuts)}")),
        new("bdat-chunks", (iter, seed, log) => Gen.Select(FuzzInputs.Stream(FuzzInputs.ContentTokens, 30), Gen.Int[0, 40].Array[0, 6], Bare)
            .Sample((stream, sizes, bare) => WireProperties.Chunks(stream.Stream, sizes, stream.Cuts, bare), writeLine: log, seed: seed, iter: iter,
                print: t => $"{t.Item3} {FuzzInputs.Show(t.Item1.Stream)} chunks {string.Join(",", t.Item2)} cut {string.Join(",", t.Item1.Cuts)}")),
        new("command-line-reader", (iter, seed, log) => Gen.Select(FuzzInputs.Stream(FuzzInputs.CommandTokens, 40), Gen.Int[3, 80])
            .Sample((stream, max) => WireProperties.Lines(stream.Stream, stream.Cuts, max), writeLine: log, seed: seed, iter: iter,
                print: t => $"max {t.Item2} {FuzzInputs.Show(t.Item1.Stream)} cut {string.Join(",", t.Item1.Cuts)}")),
        new("reply-streams", (iter, seed, log) => FuzzInputs.Stream(FuzzInputs.ReplyTokens, 40)
            .Sample(stream => WireProperties.Replies(stream.Stream, stream.Cuts), writeLine: log, seed: seed, iter: iter,
                print: t => $"{FuzzInputs.Show(t.Stream)} cut {string.Join(",", t.Cuts)}")),
        new("reply-round-trip", (iter, seed, log) => Gen.Select(Gen.Int[2, 5], Gen.Int[0, 5], Gen.Int[0, 9], ReplyText.Array[1, 6])
            .Sample((c, x, y, lines) => WireProperties.ReplyRoundTrip(c * 100 + x * 10 + y, lines), writeLine: log, seed: seed, iter: iter)),
    ];

    /// <summary>Runs every property for <paramref name="casesEach"/> cases; returns the time each took.</summary>
    public static IReadOnlyList<(string Name, TimeSpan Time)> Run(long casesEach, string? seed = null, Action<string>? log = null)
    {
        var times = new List<(string, TimeSpan)>();
        foreach (var property in All)
        {
            var watch = Stopwatch.StartNew();
            property.Sample(casesEach, seed, log);
            times.Add((property.Name, watch.Elapsed));
        }
        return times;
    }
}
