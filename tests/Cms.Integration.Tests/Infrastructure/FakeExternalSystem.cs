using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>
/// A peer system on loopback (a real HTTP server) standing in for the certification authority or the regional FSE:
/// records every JSON POST it accepts; can be told to answer 503 (down) or to refuse (400).
/// </summary>
public sealed class FakeExternalSystem : IAsyncDisposable
{
    public const string ApiKey = "test-peer-key";
    private readonly WebApplication app;

    public sealed record Call(JsonElement Body, string? IdempotencyKey, string? ApiKey, string? Kind);

    public ConcurrentQueue<Call> Received { get; } = new();
    public volatile bool Down;
    public volatile bool Refusing;
    private int attempts;
    private int failFirst;

    /// <summary>The next <paramref name="calls"/> calls answer 503 (the peer is briefly down), the ones after are accepted.</summary>
    public void FailFirst(int calls) => Interlocked.Exchange(ref failFirst, calls);

    private bool TakeFailure()
    {
        while (true)
        {
            var left = Volatile.Read(ref failFirst);
            if (left <= 0) return false;
            if (Interlocked.CompareExchange(ref failFirst, left - 1, left) == left) return true;
        }
    }
    public int Attempts => attempts;

    public FakeExternalSystem()
    {
        (app, Port) = FakeSmsGateway.StartLoopback(app => app.MapPost("/calls", async (HttpContext http) =>
        {
            Interlocked.Increment(ref attempts);
            if (Down || TakeFailure()) return Results.StatusCode(503);
            if (Refusing) return Results.BadRequest();
            var body = await JsonDocument.ParseAsync(http.Request.Body);
            Received.Enqueue(new Call(body.RootElement.Clone(), http.Request.Headers["Idempotency-Key"].ToString(),
                http.Request.Headers["X-Api-Key"].ToString(), http.Request.Headers["X-Cms-Call-Kind"].ToString()));
            return Results.Accepted();
        }));
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}/calls";

    public void Reset()
    {
        Received.Clear();
        Down = false;
        Refusing = false;
        Interlocked.Exchange(ref attempts, 0);
        Interlocked.Exchange(ref failFirst, 0);
    }

    /// <summary>Waits until a call about the card arrives.</summary>
    public async Task<Call> WaitForAsync(string cardNumber, string? action = null, int seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            var hit = Received.FirstOrDefault(c => c.Body.TryGetProperty("cardNumber", out var n) && n.GetString() == cardNumber
                && (action is null || (c.Body.TryGetProperty("action", out var a) && a.GetString() == action)));
            if (hit is not null) return hit;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No call about card {cardNumber} reached the peer in {seconds} s.");
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
