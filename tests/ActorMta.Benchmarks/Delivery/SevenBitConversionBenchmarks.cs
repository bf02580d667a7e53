using System.Text;
using ActorMta.Delivery.Content;
using BenchmarkDotNet.Attributes;

namespace ActorMta.Benchmarks.Delivery;

/// <summary>
/// The per-attempt 7-bit conversion for a next hop without 8BITMIME: the 7-bit check every body pays
/// there, a 4 KiB 8-bit text message, and a 1 MiB multipart with a 7-bit text part and an 8-bit attachment.
/// </summary>
[MemoryDiagnoser]
public class SevenBitConversionBenchmarks
{
    private byte[] _sevenBit = [];
    private byte[] _eightBitText = [];
    private byte[] _multipart = [];

    [GlobalSetup]
    public void Setup()
    {
        var line = "Grüße aus Köln: 10 € für Bücher, naïve café.\r\n";
        var text = string.Concat(Enumerable.Repeat(line, 4096 / Encoding.UTF8.GetByteCount(line)));
        _sevenBit = Encoding.ASCII.GetBytes("Subject: seven\r\n\r\n" + string.Concat(Enumerable.Repeat("plain ascii line of text, nothing else\r\n", 100)));
        _eightBitText = Encoding.UTF8.GetBytes($"Subject: eight\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{text}");
        var attachment = new byte[1024 * 1024];
        new Random(7).NextBytes(attachment);
        var head = Encoding.ASCII.GetBytes("Subject: mixed\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n");
        _multipart = [.. head, .. attachment, .. Encoding.ASCII.GetBytes("\r\n--b--\r\n")];
    }

    [Benchmark]
    public object SevenBitBody() => SevenBitConversion.Convert(_sevenBit, smtpUtf8: false);

    [Benchmark]
    public object EightBitText4KiB() => SevenBitConversion.Convert(_eightBitText, smtpUtf8: false);

    [Benchmark]
    public object Multipart1MiBAttachment() => SevenBitConversion.Convert(_multipart, smtpUtf8: false);
}
