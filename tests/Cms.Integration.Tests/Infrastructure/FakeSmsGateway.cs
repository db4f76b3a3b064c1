using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>An SMS gateway on loopback (a real HTTP server): records what it receives; can be told to fail.</summary>
public sealed class FakeSmsGateway : IAsyncDisposable
{
    public const string ApiKey = "test-sms-key";
    private readonly WebApplication app;

    public sealed record Sms(string To, string Text, string Sender, string Reference, string? ApiKey);

    public ConcurrentQueue<Sms> Received { get; } = new();
    public volatile bool Failing;

    /// <summary>The status answered for a number (400: refused; 503: unavailable), with a body that echoes the message as some gateways do.</summary>
    public ConcurrentDictionary<string, int> StatusFor { get; } = new();

    public FakeSmsGateway()
    {
        (app, Port) = StartLoopback(app => app.MapPost("/sms", async (HttpContext http) =>
        {
            if (Failing) return Results.StatusCode(503);
            var body = await JsonDocument.ParseAsync(http.Request.Body);
            var r = body.RootElement;
            if (StatusFor.TryGetValue(r.GetProperty("to").GetString()!, out var status))
                return Results.Text($"Invalid destination {r.GetProperty("to").GetString()} for '{r.GetProperty("text").GetString()}'", statusCode: status);
            Received.Enqueue(new Sms(r.GetProperty("to").GetString()!, r.GetProperty("text").GetString()!, r.GetProperty("sender").GetString()!,
                r.GetProperty("reference").GetString()!, http.Request.Headers["X-Api-Key"].ToString()));
            return Results.Accepted();
        }));
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}/sms";

    /// <summary>A real HTTP server on a free loopback port with the given routes, started; the fakes' common ground.</summary>
    public static (WebApplication App, int Port) StartLoopback(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = FreePort();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        map(app);
        app.StartAsync().GetAwaiter().GetResult();
        return (app, port);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
