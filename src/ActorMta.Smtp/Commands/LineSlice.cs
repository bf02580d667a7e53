namespace ActorMta.Smtp;

/// <summary>Where a piece of the command line lies, so parsing keeps offsets and copies nothing.</summary>
internal readonly record struct LineSlice(int Start, int Length)
{
    public bool IsEmpty => Length == 0;

    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> line) => line.Slice(Start, Length);

    public static LineSlice Between(int start, int end) => new(start, end - start);
}
