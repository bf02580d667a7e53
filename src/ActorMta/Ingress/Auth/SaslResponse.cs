using System.Text;

namespace ActorMta.Ingress.Auth;

/// <summary>Decoding of the SASL responses of AUTH PLAIN (RFC 4616) and AUTH LOGIN, as sent in base64 (RFC 4954).</summary>
public static class SaslResponse
{
    /// <summary>The client's "*": it gives up the exchange (RFC 4954 section 4).</summary>
    public static bool IsCancel(ReadOnlySpan<byte> line) => line is [(byte)'*'];

    /// <summary>Base64 to UTF-8 text; "=" is the empty initial response. False when it is not base64 or not UTF-8.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> base64, out string text)
    {
        text = "";
        if (base64 is [(byte)'=']) return true;
        var bytes = new byte[base64.Length];
        if (System.Buffers.Text.Base64.DecodeFromUtf8(base64, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != base64.Length)
            return false;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>PLAIN: authzid NUL authcid NUL passwd (RFC 4616 section 2). False when it is not three parts with a user.</summary>
    public static bool TryParsePlain(string message, out string authorizationId, out string user, out string password)
    {
        authorizationId = user = password = "";
        var parts = message.Split('\0');
        if (parts.Length != 3 || parts[1].Length == 0) return false;
        (authorizationId, user, password) = (parts[0], parts[1], parts[2]);
        return true;
    }
}
