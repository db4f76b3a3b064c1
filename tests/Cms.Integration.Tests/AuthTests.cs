using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Cms.Application.Administration.Bootstrap;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cms.Integration.Tests;

public class AuthTests(CmsFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task The_bootstrap_administrator_signs_in_and_gets_a_token_with_roles()
    {
        var response = await Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = CmsFactory.AdminCf, password = CmsFactory.AdminPassword });
        var body = await OkAsync(response);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("accessToken").GetString()));
        Assert.True(body.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal("SecurityAdministrator", body.GetProperty("operator").GetProperty("roles")[0].GetString());
    }

    [Fact]
    public async Task The_token_carries_operator_counter_and_roles()
    {
        var (client, cf, _) = await ActorAsync("Operator", "HOSPITAL");
        var me = await OkAsync(await client.GetAsync("/api/v1/auth/me"));
        Assert.Equal(cf, me.GetProperty("codiceFiscale").GetString());
        Assert.Equal("090-201-OS001", me.GetProperty("counterCode").GetString());
        Assert.Equal("HOSPITAL", me.GetProperty("counterType").GetString());
        Assert.Equal("090", me.GetProperty("region").GetString());
        Assert.Equal("Operator", me.GetProperty("roles")[0].GetString());
    }

    [Fact]
    public async Task A_wrong_password_is_refused_without_saying_which_part_was_wrong()
    {
        var wrongPassword = await Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = CmsFactory.AdminCf, password = "Wrong-Password-1" });
        var unknownUser = await Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = "RSSMRA80A01H501U", password = "Wrong-Password-1" });
        var a = await ProblemAsync(wrongPassword, HttpStatusCode.Unauthorized, "invalid-credentials");
        var b = await ProblemAsync(unknownUser, HttpStatusCode.Unauthorized, "invalid-credentials");
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
        Assert.Equal(2, await OperationsAsync("SIGN_IN", "REJECTED"));
    }

    /// <summary>A client of the in-process API at <paramref name="address"/> (the API believes X-Forwarded-For from its own host).</summary>
    private HttpClient From(string address)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    private static object Credentials(string password) => new { codiceFiscale = CmsFactory.AdminCf, password };

    [Fact]
    public async Task Wrong_passwords_make_only_that_address_wait_with_back_off_and_the_right_password_is_refused_during_the_wait()
    {
        var a = From("203.0.113.10");
        var b = From("203.0.113.20");
        for (var i = 0; i < 5; i++)
            await ProblemAsync(await a.PostAsJsonAsync("/api/v1/auth/token", Credentials("Wrong-Password-1")), HttpStatusCode.Unauthorized, "invalid-credentials");
        // After the fifth failure the pair waits one second (Cms:SignIn defaults), and the account is not locked: no column says so.
        var wait = await Factory.ScalarAsync<double>("SELECT extract(epoch FROM wait_until - now())::float8 FROM administration.sign_in_throttles");
        Assert.InRange(wait, 0.0, 1.5);
        // One row for the pair, known by a keyed digest only: neither the address nor the operator appear in it.
        var row = await Factory.ScalarAsync<string>("SELECT key || '|' || failures FROM administration.sign_in_throttles");
        Assert.Matches("^[0-9A-F]{64}\\|5$", row);
        Assert.DoesNotContain(CmsFactory.AdminCf, row);
        Assert.False(await Factory.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'administration' " +
            "AND table_name = 'operators' AND column_name IN ('locked_until', 'failed_sign_ins'))"));

        // During the wait (made longer here) even the right password from A gets the same answer, and is not checked.
        await Factory.ExecuteAsync("UPDATE administration.sign_in_throttles SET wait_until = now() + interval '10 minutes'");
        await ProblemAsync(await a.PostAsJsonAsync("/api/v1/auth/token", Credentials(CmsFactory.AdminPassword)), HttpStatusCode.Unauthorized, "invalid-credentials");
        await ProblemAsync(await a.PostAsJsonAsync("/api/v1/auth/password", new { codiceFiscale = CmsFactory.AdminCf, currentPassword = CmsFactory.AdminPassword,
            newPassword = "Another-Admin-Pwd-9" }), HttpStatusCode.Unauthorized, "invalid-credentials");
        Assert.Equal(2L, await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.operations WHERE outcome = 'REJECTED' AND detail LIKE 'invalid-credentials%throttled'"));

        // The same account from another address is not held back.
        await OkAsync(await b.PostAsJsonAsync("/api/v1/auth/token", Credentials(CmsFactory.AdminPassword)));

        // Once the wait is over the right password from A works, and clears the pair.
        await Factory.ExecuteAsync("UPDATE administration.sign_in_throttles SET wait_until = now() - interval '1 second'");
        await OkAsync(await a.PostAsJsonAsync("/api/v1/auth/token", Credentials(CmsFactory.AdminPassword)));
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM administration.sign_in_throttles"));
    }

    [Fact]
    public async Task An_unknown_user_a_wrong_password_and_a_waiting_pair_get_the_identical_problem_apart_from_the_trace_id()
    {
        var (_, cf, _) = await ActorAsync("Auditor");
        var waiting = From("198.51.100.7");
        for (var i = 0; i < 5; i++) await waiting.PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = cf, password = "Wrong-Password-1" });
        await Factory.ExecuteAsync("UPDATE administration.sign_in_throttles SET wait_until = now() + interval '10 minutes'");

        foreach (var (path, body) in new (string, Func<string, string, object>)[]
                 {
                     ("/api/v1/auth/token", (c, p) => new { codiceFiscale = c, password = p }),
                     ("/api/v1/auth/password", (c, p) => new { codiceFiscale = c, currentPassword = p, newPassword = "Brand-New-Password-7" }),
                 })
        {
            var unknown = await ProblemAsync(await From("198.51.100.8").PostAsJsonAsync(path, body(NewCf(), "Wrong-Password-1")), HttpStatusCode.Unauthorized);
            var wrong = await ProblemAsync(await From("198.51.100.8").PostAsJsonAsync(path, body(cf, "Wrong-Password-1")), HttpStatusCode.Unauthorized);
            var held = await ProblemAsync(await waiting.PostAsJsonAsync(path, body(cf, OperatorPassword)), HttpStatusCode.Unauthorized);
            var expected = WithoutTraceId(unknown);
            Assert.Contains("invalid-credentials", expected);
            Assert.Equal(expected, WithoutTraceId(wrong));
            Assert.Equal(expected, WithoutTraceId(held));
        }
        // The trail keeps the real reason.
        foreach (var reason in new[] { "unknown-operator", "wrong-password", "throttled" })
            Assert.True(await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.operations WHERE detail LIKE @d", ("d", "invalid-credentials%" + reason)) >= 2, reason);
    }

    private static string WithoutTraceId(System.Text.Json.JsonElement problem) => System.Text.Json.JsonSerializer.Serialize(
        problem.EnumerateObject().Where(p => p.Name != "traceId").ToDictionary(p => p.Name, p => p.Value));

    [Fact]
    public async Task An_operator_not_enabled_for_the_cms_cannot_sign_in_and_a_disabled_operators_token_stops_working()
    {
        var (client, cf, id) = await ActorAsync("Auditor");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/auth/me")).StatusCode);

        var admin = await AdminAsync();
        var update = await admin.PutAsJsonAsync($"/api/v1/admin/operators/{id}", new { givenName = "Test", surname = "Auditor", roles = new[] { "Auditor" }, enabledForCms = false });
        await OkAsync(update);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/auth/me")).StatusCode);
        await ProblemAsync(await Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = cf, password = OperatorPassword }),
            HttpStatusCode.Forbidden, "operator-not-enabled");
    }

    [Fact]
    public async Task An_expired_password_must_be_changed_before_signing_in()
    {
        var (_, cf, _) = await ActorAsync("Auditor");
        await Factory.ExecuteAsync("UPDATE administration.operators SET password_changed_at = now() - interval '91 days' WHERE codice_fiscale = @cf", ("cf", cf));
        await ProblemAsync(await Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = cf, password = OperatorPassword }),
            HttpStatusCode.Forbidden, "password-expired");

        var weak = await Anonymous().PostAsJsonAsync("/api/v1/auth/password", new { codiceFiscale = cf, currentPassword = OperatorPassword, newPassword = "short" });
        var weakProblem = await ProblemAsync(weak, HttpStatusCode.BadRequest, "validation");
        Assert.True(weakProblem.GetProperty("errors").TryGetProperty("newPassword", out _));

        var changed = await Anonymous().PostAsJsonAsync("/api/v1/auth/password", new { codiceFiscale = cf, currentPassword = OperatorPassword, newPassword = "New-Operator-Pwd-2" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        await SignInAsync(cf, "New-Operator-Pwd-2");
        await ProblemAsync(await Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = cf, password = OperatorPassword }),
            HttpStatusCode.Unauthorized, "invalid-credentials");
    }

    [Fact]
    public async Task Passwords_are_stored_as_salted_hashes()
    {
        var hash = await Factory.ScalarAsync<string>("SELECT password_hash FROM administration.operators WHERE codice_fiscale = @cf", ("cf", CmsFactory.AdminCf));
        Assert.StartsWith("pbkdf2-sha256$", hash);
        Assert.DoesNotContain(CmsFactory.AdminPassword, hash);
    }

    [Fact]
    public async Task The_bootstrap_administrator_is_created_only_on_an_empty_database()
    {
        using var scope = Factory.Services.CreateScope();
        var bootstrapper = scope.ServiceProvider.GetRequiredService<AdministratorBootstrapper>();
        var created = await bootstrapper.RunAsync(new BootstrapOptions { AdminCodiceFiscale = "RSSMRA80A01H501U", AdminPassword = "Another-Admin-Pwd-1" }, CancellationToken.None);
        Assert.False(created);
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM administration.operators"));
    }

    /// <summary>TLS ends at the reverse proxy, which forwards the client certificate in a header.</summary>
    private HttpClient Tls() => Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });

    [Fact]
    public async Task Smart_card_sign_in_takes_the_codice_fiscale_from_the_certificate_subject()
    {
        var (_, cf, _) = await ActorAsync("Operator");
        var client = Tls();
        using var certificate = Factory.Certificates.SmartCard(cf);
        client.DefaultRequestHeaders.Add(CmsFactory.ClientCertificateHeader, TestCertificates.HeaderValue(certificate));
        var body = await OkAsync(await client.PostAsync("/api/v1/auth/certificate-token", null));
        Assert.Equal(cf, body.GetProperty("operator").GetProperty("codiceFiscale").GetString());

        var withToken = Anonymous();
        withToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.OK, (await withToken.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(1, await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.operations WHERE type = 'SIGN_IN' AND outcome = 'SUCCEEDED' AND detail = 'smartcard'"));
    }

    [Fact]
    public async Task Smart_card_sign_in_refuses_untrusted_certificates_and_unknown_holders()
    {
        var (_, cf, _) = await ActorAsync("Operator");
        var untrusted = Tls();
        using var selfSigned = Factory.Certificates.SmartCard(cf, selfSigned: true);
        untrusted.DefaultRequestHeaders.Add(CmsFactory.ClientCertificateHeader, TestCertificates.HeaderValue(selfSigned));
        Assert.Equal(HttpStatusCode.Unauthorized, (await untrusted.PostAsync("/api/v1/auth/certificate-token", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Tls().PostAsync("/api/v1/auth/certificate-token", null)).StatusCode);

        var stranger = Tls();
        using var strangersCard = Factory.Certificates.SmartCard("RSSMRA80A01H501U");
        stranger.DefaultRequestHeaders.Add(CmsFactory.ClientCertificateHeader, TestCertificates.HeaderValue(strangersCard));
        await ProblemAsync(await stranger.PostAsync("/api/v1/auth/certificate-token", null), HttpStatusCode.Unauthorized, "unknown-operator");
    }

    [Fact]
    public async Task Neither_passwords_nor_tokens_reach_the_logs()
    {
        await Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = CmsFactory.AdminCf, password = "Wrong-Password-1" });
        var admin = await AdminAsync();
        var token = admin.DefaultRequestHeaders.Authorization!.Parameter!;
        await admin.GetAsync("/api/v1/admin/operators");
        var logs = string.Join("\n", Factory.Logs.Lines);
        Assert.Contains("SignInCommand", logs);
        Assert.DoesNotContain(CmsFactory.AdminPassword, logs);
        Assert.DoesNotContain("Wrong-Password-1", logs);
        Assert.DoesNotContain(token, logs);
    }
}
