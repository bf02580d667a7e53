using System.Text;

namespace ActorMta.Benchmarks.Latency;

/// <summary>
/// The bytes of one transaction, built once and written for every message: MAIL, RCPT, DATA, the content
/// of about the size asked for (headers and 'x' lines, no leading dots, so nothing needs stuffing) without
/// its last CRLF, and the terminator "\r\n.\r\n" that is written on its own so that the clock starts
/// exactly when the final dot goes out.
/// </summary>
public sealed class LoadMessage
{
    private const int LineLength = 78;

    public LoadMessage(string reversePath, string recipient, int size, string heloName = "load.test")
    {
        Ehlo = Ascii($"EHLO {heloName}\r\n");
        Mail = Ascii($"MAIL FROM:<{reversePath}>\r\n");
        Rcpt = Ascii($"RCPT TO:<{recipient}>\r\n");
        var content = new StringBuilder($"From: <{reversePath}>\r\nTo: <{recipient}>\r\nSubject: accept latency\r\n\r\n");
        // The content counted in Size ends with the CRLF that opens the terminator; the last line takes up the odd bytes.
        var headers = content.Length;
        while (content.Length + 2 < size)
        {
            content.Append('x', Math.Min(LineLength, size - 2 - content.Length)).Append("\r\n");
        }
        if (content.Length > headers && content.Length < size) content.Insert(content.Length - 2, "x", size - content.Length);
        content.Length -= 2;
        Content = Ascii(content.ToString());
        Size = Content.Length + 2;
    }

    /// <summary>Content bytes including the CRLF before the final dot: the size asked for, or the headers' if larger.</summary>
    public int Size { get; }

    public byte[] Ehlo { get; }

    public byte[] Mail { get; }

    public byte[] Rcpt { get; }

    public static byte[] Data { get; } = Ascii("DATA\r\n");

    public static byte[] Rset { get; } = Ascii("RSET\r\n");

    public static byte[] Quit { get; } = Ascii("QUIT\r\n");

    /// <summary>The content up to, not including, the CRLF that the terminator starts with.</summary>
    public byte[] Content { get; }

    public static byte[] Terminator { get; } = Ascii("\r\n.\r\n");

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
