using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ActorMta.IntegrationTests.Delivery;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Dns;
using ActorMta.TestSupport.Smtp;

namespace ActorMta.IntegrationTests.Ingress.Http;

/// <summary>
/// One node with an inject token for the injection API tests, delivering to a real sink found through a
/// loopback DNS server (example.test's MX is 127.0.0.1), with a small size limit to test against.
/// </summary>
public sealed class InjectNode : IAsyncLifetime
{
    public const int MaxMessageSize = 32 * 1024;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly LoopbackDnsServer _dns = LoopbackDnsServer.Start();
    private DeliveryNode? _node;

    public TestSmtpSink Sink { get; } = TestSmtpSink.Start();
    internal DeliveryNode Node => _node!;

    public async Task InitializeAsync()
    {
        _dns.Zone("example.test").Mx("example.test", 10, "mx.example.test").A("mx.example.test", "127.0.0.1");
        _node = await DeliveryNode.StartAsync($$"""
            actormta.delivery { mx-port = {{Sink.Port}}, allow-private-destinations = on }
            actormta.smtp.max-message-size = {{MaxMessageSize}}
            actormta.inject.max-batch-messages = 3
            """, new Dictionary<string, string>
            {
                ["ACTORMTA_DNS_SERVERS"] = _dns.EndPoint.ToString(),
                ["ACTORMTA_MANAGEMENT_INJECT_TOKENS"] = TestTokens.Inject,
            });
    }

    public async Task DisposeAsync()
    {
        if (_node is not null) await _node.DisposeAsync();
        await Sink.DisposeAsync();
        _dns.Dispose();
    }

    /// <summary>POSTs <paramref name="json"/> (a string as it is, anything else serialized) with the inject token unless told otherwise.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, object json, string? token = TestTokens.Inject,
        string? idempotencyKey = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Node.Node.ManagementUri, path))
        {
            Content = new StringContent(json as string ?? JsonSerializer.Serialize(json), Encoding.UTF8, contentType),
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Waits for the sink to accept a message for <paramref name="recipient"/>.</summary>
    public async Task<ReceivedMessage> WaitForMessageToAsync(string recipient)
    {
        await Sink.WaitUntilAsync(s => s.Messages.Any(m => m.Recipients.Any(r => r.Address == recipient)), TimeSpan.FromSeconds(60), $"a message to {recipient}");
        return Sink.Messages.First(m => m.Recipients.Any(r => r.Address == recipient));
    }

    /// <summary>The message without the first header field (the Received header this node prepended), and that field.</summary>
    public static (string Received, byte[] Content) SplitTraceHeader(byte[] body)
    {
        for (var i = 0; i + 2 < body.Length; i++)
            if (body[i] == '\r' && body[i + 1] == '\n' && body[i + 2] is not (byte)' ' and not (byte)'\t')
                return (Encoding.UTF8.GetString(body, 0, i + 2), body[(i + 2)..]);
        throw new InvalidOperationException("no header field end found");
    }
}
