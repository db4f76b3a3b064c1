using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cms.Infrastructure.Interop.Modi;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cms.Integration.Tests;

/// <summary>
/// Issue 28: the sender acts only on an answer that is the peer's, for its request, as the peer sent it (decision 0059). A peer
/// on loopback (region 200, registered with its certificate) answers an activation sent by this region with, in turn: no
/// signature, a signature for another request, a refusal bound to no request (what a refusal before authentication is), a
/// genuine answer under another status — each ignored and the request tried again, never ended — and finally a true answer,
/// which completes it.
/// </summary>
public class ModiAnswerTests(CmsFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task The_sender_acts_only_on_a_signed_answer_bound_to_its_request_with_its_signed_status()
    {
        var mode = "unsigned";
        var calls = 0;
        var sardegna = RegionPki.For("200");
        var (app, port) = FakeSmsGateway.StartLoopback(app => app.MapPost("/api/v1/interop/inbound/activations", async (HttpContext http) =>
        {
            Interlocked.Increment(ref calls);
            var request = await JsonDocument.ParseAsync(http.Request.Body);
            var jti = ModiTokens.UnverifiedId(http.Request.Headers[ModiProfile.SignatureHeader].ToString());
            var requestId = request.RootElement.GetProperty("requestId").GetGuid();
            var answer = JsonSerializer.SerializeToUtf8Bytes(new
            {
                requestId, kind = "ACTIVATION", localRequestId = Guid.NewGuid(), cardNumber = request.RootElement.GetProperty("cardNumber").GetString(),
                cardState = "ACTIVE", cardExpiryDate = "2030-01-31", firstHalves = new { pin = "12", puk = "3456", cip = "7890" }, deliveryId = Guid.NewGuid(),
            }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
            var (status, body, contentType, boundTo, signedStatus) = mode switch
            {
                "unsigned" => (200, answer, "application/json; charset=utf-8", jti, 200),
                "other-request" => (200, answer, "application/json; charset=utf-8", Guid.NewGuid().ToString(), 200),
                "unbound-refusal" => (401, Encoding.UTF8.GetBytes("{\"type\":\"urn:cms:problem:modi-token-replayed\",\"status\":401,\"rule\":\"modi-token-replayed\"}"),
                    "application/problem+json", null, 401),
                "status-changed" => (409, answer, "application/json; charset=utf-8", jti, 200),
                _ => (200, answer, "application/json; charset=utf-8", jti, 200),
            };
            if (mode != "unsigned")
            {
                var signed = sardegna.Tokens.SignAnswer("200", "090", body, contentType, boundTo, signedStatus);
                http.Response.Headers[ModiProfile.DigestHeader] = signed.Digest;
                http.Response.Headers[ModiProfile.SignatureHeader] = signed.Signature;
            }
            http.Response.StatusCode = status;
            http.Response.ContentType = contentType;
            await http.Response.Body.WriteAsync(body);
        }));
        await using var _ = app;
        await OkAsync(await (await AdminAsync()).PutAsJsonAsync("/api/v1/admin/peers/200", sardegna.Registration("Sardegna", $"http://127.0.0.1:{port}")));
        var (counter, _, _) = await ActorAsync("Operator");
        var created = await OkAsync(await counter.PostAsJsonAsync("/api/v1/interop/requests", new
        {
            kind = "ACTIVATION", cardNumber = "80380002000000078001",
            holder = new { codiceFiscale = "RSSMRA80A01H501U", surname = "ROSSI", givenName = "MARIO", birthDate = "1980-01-01" },
            mode = "DIRECT",
            document = new { type = "PATENTE_GUIDA", number = "FI1234567", issuedBy = "MCTC", issueDate = Iso(Today.AddYears(-3)), expiryDate = Iso(Today.AddYears(5)) },
            delivery = new { channel = "EMAIL", email = "modi@example.it", emailConfirmation = "modi@example.it" }, privacyConsent = true,
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        await OkAsync(await counter.PostAsync($"/api/v1/interop/requests/{id}/confirm", await counter.SignedAsync("interop", id)));

        // Each phase waits for a new attempt after the switch: retries come every 1–2 s, but on a busy machine the in-process
        // API's Hangfire workers may be held by other jobs for a while (the sweep takes over within a minute): 90 s at most.
        async Task<JsonElement> TriedAsync(string expectedError)
        {
            var before = Volatile.Read(ref calls);
            var deadline = DateTime.UtcNow.AddSeconds(90);
            JsonElement view;
            do
            {
                await Task.Delay(200);
                view = await counter.GetFromJsonAsync<JsonElement>($"/api/v1/interop/requests/{id}");
                Assert.NotEqual("FAILED", view.GetProperty("status").GetString());
                Assert.NotEqual("COMPLETED", view.GetProperty("status").GetString());
            }
            while ((Volatile.Read(ref calls) <= before || view.GetProperty("lastError").GetString()?.Contains(expectedError) != true) && DateTime.UtcNow < deadline);
            Assert.Contains(expectedError, view.GetProperty("lastError").GetString());
            return view;
        }

        await TriedAsync("modi-token-malformed");
        mode = "other-request";
        await TriedAsync("not for this request");
        mode = "unbound-refusal";
        await TriedAsync("peer refused the call (401 modi-token-replayed)");
        mode = "status-changed";
        await TriedAsync("status is not the one signed");
        mode = "true";
        var deadline = DateTime.UtcNow.AddSeconds(90);
        JsonElement done;
        do
        {
            await Task.Delay(200);
            done = await counter.GetFromJsonAsync<JsonElement>($"/api/v1/interop/requests/{id}");
        }
        while (done.GetProperty("status").GetString() != "COMPLETED" && DateTime.UtcNow < deadline);
        Assert.Equal("COMPLETED", done.GetProperty("status").GetString());
        // What the sender sent carried the operator who confirmed, the counter and the level of assurance of the sign-in.
        Assert.Equal("low", await Factory.ScalarAsync<string>("SELECT confirmed_loa FROM interop.requests WHERE id = @id", ("id", Guid.Parse(id))));
    }
}
