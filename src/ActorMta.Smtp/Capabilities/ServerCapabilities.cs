using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace ActorMta.Smtp;

/// <summary>
/// What a listener offers, and the EHLO reply (RFC 5321 4.1.1.1) listing it. A session passes the
/// subset it offers right now (e.g. STARTTLS only before TLS, AUTH only after); each distinct
/// subset's reply is built once and shared by every session.
/// </summary>
public sealed class ServerCapabilities
{
    private readonly ConcurrentDictionary<SmtpExtensions, SmtpReply> _ehloReplies = new();

    /// <param name="hostname">This server's name, the first word of the EHLO reply.</param>
    /// <param name="extensions">Extensions this listener supports.</param>
    /// <param name="maxMessageSize">Advertised with SIZE (RFC 1870); 0 means no fixed limit.</param>
    /// <param name="authMechanisms">SASL mechanisms advertised with AUTH, e.g. PLAIN, LOGIN.</param>
    /// <param name="greeting">Text after the hostname on the first line; may be empty.</param>
    public ServerCapabilities(string hostname, SmtpExtensions extensions, long maxMessageSize,
        IReadOnlyList<string>? authMechanisms = null, string greeting = "")
    {
        if (!SmtpSyntax.IsDomain(Encoding.UTF8.GetBytes(hostname), utf8: false))
            throw new ArgumentException($"'{hostname}' is not a host name", nameof(hostname));
        ArgumentOutOfRangeException.ThrowIfNegative(maxMessageSize);
        Hostname = hostname;
        Extensions = extensions;
        MaxMessageSize = maxMessageSize;
        AuthMechanisms = (authMechanisms ?? []).Select(m => m.ToUpperInvariant()).ToArray();
        if (AuthMechanisms.Any(m => m.Length is 0 or > 20 || Encoding.ASCII.GetBytes(m).AsSpan().IndexOfAnyExcept(SmtpSyntax.SaslMechanism) >= 0))
            throw new ArgumentException("SASL mechanism names are 1 to 20 letters, digits, '-' or '_'", nameof(authMechanisms));
        Greeting = greeting;
    }

    public string Hostname { get; }
    public SmtpExtensions Extensions { get; }
    public long MaxMessageSize { get; }
    public IReadOnlyList<string> AuthMechanisms { get; }
    public string Greeting { get; }

    /// <summary>The 250 reply to EHLO offering <paramref name="offered"/> (limited to <see cref="Extensions"/>).</summary>
    public SmtpReply EhloReply(SmtpExtensions offered) =>
        _ehloReplies.GetOrAdd(offered & Extensions, static (subset, self) => self.BuildEhloReply(subset), this);

    /// <summary>The 250 reply to HELO: no extension list (RFC 5321 4.1.1.1).</summary>
    public SmtpReply HeloReply => field ??= new SmtpReply(250, null, FirstLine);

    /// <summary>The extension keywords in EHLO order, e.g. "SIZE 26214400", "AUTH PLAIN LOGIN".</summary>
    public IReadOnlyList<string> EhloKeywords(SmtpExtensions offered)
    {
        offered &= Extensions;
        var keywords = new List<string>();
        void Add(SmtpExtensions extension, string keyword)
        {
            if ((offered & extension) != 0) keywords.Add(keyword);
        }

        Add(SmtpExtensions.Pipelining, "PIPELINING");
        Add(SmtpExtensions.Size, "SIZE " + MaxMessageSize.ToString(CultureInfo.InvariantCulture));
        Add(SmtpExtensions.EightBitMime, "8BITMIME");
        Add(SmtpExtensions.SmtpUtf8, "SMTPUTF8");
        Add(SmtpExtensions.EnhancedStatusCodes, "ENHANCEDSTATUSCODES");
        Add(SmtpExtensions.Chunking, "CHUNKING");
        if ((offered & SmtpExtensions.Chunking) != 0) Add(SmtpExtensions.BinaryMime, "BINARYMIME"); // RFC 3030: needs CHUNKING
        Add(SmtpExtensions.Dsn, "DSN");
        Add(SmtpExtensions.StartTls, "STARTTLS");
        if (AuthMechanisms.Count > 0) Add(SmtpExtensions.Auth, "AUTH " + string.Join(' ', AuthMechanisms));
        return keywords;
    }

    private string FirstLine => Greeting.Length == 0 ? Hostname : $"{Hostname} {Greeting}";

    // RFC 2034 section 3: the EHLO reply carries no enhanced status codes.
    private SmtpReply BuildEhloReply(SmtpExtensions offered) => new(250, null, [FirstLine, .. EhloKeywords(offered)]);
}
