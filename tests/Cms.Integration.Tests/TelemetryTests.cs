using System.Net;
using System.Net.Http.Json;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// Metrics reach an OpenTelemetry collector (a loopback OTLP/HTTP server) from a separate Cms.Api process configured with the
/// standard OTEL_* settings: the platform's, Npgsql's and Cms's own — and nothing personal or secret in them.
/// </summary>
[Collection(ProcessCollection.Name)]
public class TelemetryTests(CmsFactoryWithoutJobs factory) : ApiTest(factory)
{
    [Fact]
    public async Task Metrics_reach_the_configured_collector_with_use_cases_messages_and_queues_and_nothing_personal()
    {
        const string Number = "80380000900000078001", Puk = "24681357", Cip = "97531864";
        var card = Card(Number, pin: "13579", puk: Puk, cip: Cip);
        await FeedAsync(card);
        var (_, operatorCf, _) = await ActorAsync("Operator");
        await using var collector = new FakeOtlpCollector();
        await using var cms = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        await CrashTests.SignInAsync(cms, operatorCf);
        var address = $"metriche.{Guid.NewGuid():N}@example.it";
        await CrashTests.ActivateAsync(cms, Number, address);
        // A second activation of the same card is refused by its rule.
        var refused = await cms.Client.PostAsJsonAsync("/api/v1/activations", CrashTests.DirectActivation(Number, address));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);

        var missing = await collector.WaitForAsync([
            "cms-api",
            "cms.use_case.duration", "CreateActivationCommand", "ConfirmActivationCommand", "succeeded", "rejected", "card-not-activatable",
            "cms.code_messages.sent", "cms.channel", "email",
            "cms.queue.items", "code_messages", "outbound_calls", "interop_requests", "audit_chain",
            "http.server.request.duration", "/api/v1/activations/{id:guid}/confirm",
            "db.client.",
        ]);
        Assert.True(missing.Count == 0, "not exported: " + string.Join(", ", missing));

        // Route templates and names only: no card number, codice fiscale, address or code.
        var text = collector.Text;
        foreach (var value in new[] { Number, card.Holder!.CodiceFiscale!, operatorCf, address, Puk, Cip })
            Assert.DoesNotContain(value, text, StringComparison.Ordinal);
    }
}
