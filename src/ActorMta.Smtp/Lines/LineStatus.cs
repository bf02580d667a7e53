namespace ActorMta.Smtp;

/// <summary>What <see cref="SmtpLineReader.TryRead"/> found.</summary>
public enum LineStatus
{
    /// <summary>No complete line yet: read more and call again (advance the pipe with examined = end).</summary>
    NeedMoreData,

    /// <summary>A line ending in CRLF; the line is returned without the CRLF.</summary>
    Line,

    /// <summary>The line was longer than the limit; it was discarded through its CRLF (reply 500 5.5.6).</summary>
    TooLong,

    /// <summary>The line ended in CRLF but contained a bare CR or LF; it is returned (reply 500 5.5.2).</summary>
    BareLineEnding,
}
