using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>
/// An OpenTelemetry collector on loopback (a real HTTP server speaking OTLP/HTTP): keeps every metrics export it receives.
/// Protobuf carries names and string attributes as plain UTF-8, so the tests look for them in the bytes.
/// </summary>
public sealed class FakeOtlpCollector : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<byte[]> exports = new();

    public FakeOtlpCollector()
    {
        (app, Port) = FakeSmsGateway.StartLoopback(app => app.MapPost("/v1/metrics", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            exports.Enqueue(body.ToArray());
            // An empty ExportMetricsServiceResponse: everything accepted.
            return Results.Bytes([], "application/x-protobuf");
        }));
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Everything received so far, as text (protobuf's strings are readable in it).</summary>
    public string Text => string.Join("\n", exports.Select(e => Encoding.UTF8.GetString(e)));

    /// <summary>Waits until every one of the strings has arrived in some export; answers those still missing.</summary>
    public async Task<IReadOnlyList<string>> WaitForAsync(IReadOnlyList<string> strings, int seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        IReadOnlyList<string> missing;
        while ((missing = strings.Where(s => !Text.Contains(s, StringComparison.Ordinal)).ToList()).Count > 0 && DateTime.UtcNow < until)
            await Task.Delay(250);
        return missing;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
