using System.Net;
using System.Net.Http.Json;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cms.Integration.Tests;

/// <summary>
/// Which counter types may work in interoperability is the region's policy <c>Cms:Interop:CounterTypes</c> (decision 0038):
/// identification's offer, the interop endpoints and the request's own check follow it; a name that is not a counter type, or
/// PHARMACY, stops the start.
/// </summary>
public class InteropCounterPolicyTests(CmsFactory factory) : ApiTest(factory)
{
    private const string LocalCard = "80380000900000012345";
    private const string OtherRegionsCard = "80380001000000000001";

    [Fact]
    public async Task Under_a_policy_of_health_authorities_and_regional_offices_a_municipality_is_neither_offered_nor_let_into_interoperability()
    {
        await FeedAsync(Card(LocalCard));
        // Sardegna: only at the health authorities' counters and the regional URPs [S 8].
        using var policy = Factory.WithPolicy(o => o.Interop = new() { CounterTypes = ["ASL", "REGIONAL_OFFICE"] });
        var (asl, _, _) = await ActorAsync("Operator", "ASL");
        var (office, _, _) = await ActorAsync("Operator", "REGIONAL_OFFICE", "090-000-RT001");
        var (municipality, _, _) = await ActorAsync("Operator", "MUNICIPALITY", "090-201-CM001");
        foreach (var (client, offered) in new[] { (asl, true), (office, true), (municipality, false) })
        {
            var problem = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = OtherRegionsCard }),
                HttpStatusCode.NotFound, "card-not-found");
            Assert.Equal(offered, problem.GetProperty("interoperabilityAvailable").GetBoolean());
        }

        // The municipality is refused before its request is read, and told which counters may; the regional office gets on to
        // the request's own checks.
        var refused = await ProblemAsync(await municipality.PostAsJsonAsync("/api/v1/interop/requests", new { kind = "ACTIVATION", cardNumber = OtherRegionsCard }),
            HttpStatusCode.Forbidden, "interop-not-allowed-at-counter");
        Assert.Equal(["ASL", "REGIONAL_OFFICE"], refused.GetProperty("allowedCounterTypes").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.Contains("Azienda sanitaria (ASL), Ufficio regionale", refused.GetProperty("detail").GetString());
        await ProblemAsync(await municipality.GetAsync($"/api/v1/interop/requests/{Guid.NewGuid()}"), HttpStatusCode.Forbidden, "interop-not-allowed-at-counter");
        await ProblemAsync(await office.PostAsJsonAsync("/api/v1/interop/requests", new { kind = "ACTIVATION", cardNumber = OtherRegionsCard }),
            HttpStatusCode.BadRequest, "validation");
        // Nothing else changes for the municipality: it identifies this region's cards as before.
        await OkAsync(await municipality.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = LocalCard }));
        // Another role is refused as before, without the counter's problem.
        var (auditor, _, _) = await ActorAsync("Auditor");
        await ProblemAsync(await auditor.PostAsJsonAsync("/api/v1/interop/requests", new { kind = "ACTIVATION", cardNumber = OtherRegionsCard }),
            HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Back_to_the_default_policy_every_counter_but_a_pharmacy_is_offered_interoperability()
    {
        // A policy set for a while and put back leaves the default: every type but PHARMACY.
        using (Factory.WithPolicy(o => o.Interop = new() { CounterTypes = ["ASL"] }))
            Assert.Equal([Cms.Domain.Common.CounterType.Asl], Factory.Services
                .GetRequiredService<Microsoft.Extensions.Options.IOptions<Cms.Application.Common.Options.CmsOptions>>().Value.Interop.Policy().Types.ToArray());
        foreach (var (type, code, offered) in new[] { ("HOSPITAL", "090-201-OS001", true), ("MUNICIPALITY", "090-201-CM001", true),
                     ("REGIONAL_OFFICE", "090-000-RT001", true), ("PHARMACY", "090-201-FA001", false) })
        {
            var (client, _, _) = await ActorAsync("Operator", type, code);
            var problem = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = OtherRegionsCard }),
                HttpStatusCode.NotFound, "card-not-found");
            Assert.True(offered == problem.GetProperty("interoperabilityAvailable").GetBoolean(), type);
        }
    }

    [Theory]
    [InlineData("URP", "'URP' is not a counter type")]
    [InlineData("PHARMACY", "PHARMACY may not work in interoperability")]
    public async Task A_start_with_a_counter_type_the_policy_cannot_name_is_refused_naming_the_setting(string name, string message)
    {
        var (exitCode, output) = await CmsProcess.StartExpectingRefusalAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>
        {
            ["Cms__Interop__CounterTypes__0"] = "ASL",
            ["Cms__Interop__CounterTypes__1"] = name,
        });
        Assert.NotEqual(0, exitCode);
        Assert.Contains($"Cms:Interop:CounterTypes: {(name == "URP" ? "'URP'" : "PHARMACY")}", output);
        Assert.Contains(message, output);
    }
}
