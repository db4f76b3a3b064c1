using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using Cms.Infrastructure.Security;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cms.Integration.Tests;

/// <summary>
/// Server-side sessions (issue 24, ASVS V3): every token names a session checked on every request, which ends at sign-out,
/// from another session of the operator, at a change of password, roles, counter or enabled flag, after 30 minutes idle
/// and 12 hours after the sign-in. The old token gets 401 on its very next request.
/// </summary>
public class SessionTests(CmsFactory factory) : ApiTest(factory)
{
    private static async Task<HttpStatusCode> MeAsync(HttpClient client) => (await client.GetAsync("/api/v1/auth/me")).StatusCode;

    private static Guid SessionOf(HttpClient client)
    {
        var token = new JsonWebToken(client.DefaultRequestHeaders.Authorization!.Parameter);
        return Guid.Parse(token.GetClaim("sid").Value);
    }

    [Fact]
    public async Task Signing_out_ends_that_session_only_and_its_token_gets_401_on_the_next_request()
    {
        var (first, cf, _) = await ActorAsync("Auditor");
        var second = await SignInAsync(cf, OperatorPassword);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(first));

        Assert.Equal(HttpStatusCode.NoContent, (await first.DeleteAsync("/api/v1/auth/sessions/current")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(first));
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.DeleteAsync("/api/v1/auth/sessions/current")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(second));
        Assert.Equal("SIGNED_OUT", await Factory.ScalarAsync<string>(
            "SELECT end_reason FROM administration.operator_sessions WHERE id = @id", ("id", SessionOf(first))));
        Assert.Equal(1, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'SIGN_OUT' AND outcome = 'SUCCEEDED' AND detail = 'sign-out' AND request_id = @id",
            ("id", SessionOf(first).ToString())));
    }

    [Fact]
    public async Task An_operator_lists_their_live_sessions_and_ends_another_one_but_not_someone_elses()
    {
        var (desk, cf, _) = await ActorAsync("Operator");
        var laptop = await SignInAsync(cf, OperatorPassword);
        var (stranger, _, _) = await ActorAsync("Auditor");

        var sessions = await OkAsync(await desk.GetAsync("/api/v1/auth/sessions"));
        Assert.Equal(2, sessions.GetArrayLength());
        var current = sessions.EnumerateArray().Single(s => s.GetProperty("current").GetBoolean());
        Assert.Equal(SessionOf(desk), current.GetProperty("id").GetGuid());
        Assert.Equal("pwd", current.GetProperty("method").GetString());
        var started = current.GetProperty("startedAt").GetDateTimeOffset();
        Assert.Equal(started.AddMinutes(720), current.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(current.GetProperty("lastSeenAt").GetDateTimeOffset().AddMinutes(30), current.GetProperty("idleExpiresAt").GetDateTimeOffset());

        // Someone else's session is "not found", and stays alive.
        await ProblemAsync(await stranger.DeleteAsync($"/api/v1/auth/sessions/{SessionOf(desk)}"), HttpStatusCode.NotFound, "session-not-found");
        Assert.Equal(HttpStatusCode.OK, await MeAsync(desk));
        Assert.Single((await OkAsync(await stranger.GetAsync("/api/v1/auth/sessions"))).EnumerateArray());

        Assert.Equal(HttpStatusCode.NoContent, (await desk.DeleteAsync($"/api/v1/auth/sessions/{SessionOf(laptop)}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(laptop));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(desk));
        var left = await OkAsync(await desk.GetAsync("/api/v1/auth/sessions"));
        Assert.Equal(SessionOf(desk), Assert.Single(left.EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal("ENDED_BY_OPERATOR", await Factory.ScalarAsync<string>(
            "SELECT end_reason FROM administration.operator_sessions WHERE id = @id", ("id", SessionOf(laptop))));
    }

    [Fact]
    public async Task Changing_the_password_ends_every_session_of_the_operator()
    {
        var (client, cf, _) = await ActorAsync("Auditor");
        var other = await SignInAsync(cf, OperatorPassword);
        var changed = await Anonymous().PostAsJsonAsync("/api/v1/auth/password",
            new { codiceFiscale = cf, currentPassword = OperatorPassword, newPassword = "New-Operator-Pwd-2" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(client));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(other));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(await SignInAsync(cf, "New-Operator-Pwd-2")));
    }

    [Theory]
    [InlineData("disabled", "DISABLED")]
    [InlineData("roles", "ROLES_CHANGED")]
    [InlineData("counter", "COUNTER_CHANGED")]
    public async Task A_change_of_what_the_token_says_ends_the_operators_sessions(string change, string reason)
    {
        var (client, cf, id) = await ActorAsync("Operator");
        var admin = await AdminAsync();
        await EnsureCounterAsync(admin, "090-201-AS002", "ASL");
        await OkAsync(await client.GetAsync("/api/v1/reports/my-operations?format=json"));
        object body = change switch
        {
            "disabled" => new { givenName = "Test", surname = "Operator", counterCode = "090-201-AS001", roles = new[] { "Operator" }, enabledForCms = false },
            "roles" => new { givenName = "Test", surname = "Operator", counterCode = "090-201-AS001", roles = new[] { "Operator", "Auditor" }, enabledForCms = true },
            _ => new { givenName = "Test", surname = "Operator", counterCode = "090-201-AS002", roles = new[] { "Operator" }, enabledForCms = true },
        };
        await OkAsync(await admin.PutAsJsonAsync($"/api/v1/admin/operators/{id}", body));

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(client));
        Assert.Equal(reason, await Factory.ScalarAsync<string>(
            "SELECT end_reason FROM administration.operator_sessions WHERE id = @id", ("id", SessionOf(client))));
        if (change == "disabled") return;
        // Signed in again, the token says the new truth.
        var again = await SignInAsync(cf, OperatorPassword);
        var me = await OkAsync(await again.GetAsync("/api/v1/auth/me"));
        if (change == "counter") Assert.Equal("090-201-AS002", me.GetProperty("counterCode").GetString());
        else Assert.Contains("Auditor", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_change_of_the_operators_name_only_keeps_the_session()
    {
        var (client, _, id) = await ActorAsync("Operator");
        var admin = await AdminAsync();
        await OkAsync(await admin.PutAsJsonAsync($"/api/v1/admin/operators/{id}",
            new { givenName = "Nuovo", surname = "Nome", counterCode = "090-201-AS001", roles = new[] { "Operator" }, enabledForCms = true }));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(client));
    }

    [Fact]
    public async Task Deactivating_a_counter_ends_the_sessions_of_its_operators()
    {
        var (client, _, _) = await ActorAsync("Operator", counterCode: "090-201-AS003");
        var (elsewhere, _, _) = await ActorAsync("Operator");
        var admin = await AdminAsync();
        await OkAsync(await admin.PutAsJsonAsync("/api/v1/admin/counters/090-201-AS003", new { name = "Sportello chiuso", type = "ASL", active = false }));

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(client));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(elsewhere));
    }

    [Fact]
    public async Task A_session_at_a_counter_deactivated_behind_its_back_is_refused()
    {
        // A sign-in that read its counter just before a deactivation commits its session just after the sessions were ended:
        // the guard reads the counter too.
        var (client, _, _) = await ActorAsync("Operator", counterCode: "090-201-AS004");
        await Factory.ExecuteAsync("UPDATE administration.counters SET active = false WHERE code = '090-201-AS004'");
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(client));
        await Factory.ExecuteAsync("UPDATE administration.counters SET active = true WHERE code = '090-201-AS004'");
        Assert.Equal(HttpStatusCode.OK, await MeAsync(client));
    }

    [Fact]
    public async Task A_session_idle_for_30_minutes_ends_and_activity_keeps_it_alive()
    {
        var (client, _, _) = await ActorAsync("Auditor");
        var (idle, _, _) = await ActorAsync("Auditor");
        var sessionId = SessionOf(client);

        // 29 minutes without requests: still alive, and the request moves the last activity to now.
        await Factory.ExecuteAsync("UPDATE administration.operator_sessions SET last_seen_at = now() - interval '29 minutes' WHERE id = @id", ("id", sessionId));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(client));
        var lastSeen = await Factory.ScalarAsync<DateTime>("SELECT last_seen_at FROM administration.operator_sessions WHERE id = @id", ("id", sessionId));
        Assert.True(DateTime.UtcNow - lastSeen.ToUniversalTime() < TimeSpan.FromMinutes(1), $"last activity {lastSeen:O}");

        await Factory.ExecuteAsync("UPDATE administration.operator_sessions SET last_seen_at = now() - interval '31 minutes' WHERE id = @id", ("id", SessionOf(idle)));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(idle));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(client));
    }

    [Fact]
    public async Task A_session_ends_12_hours_after_the_sign_in_whatever_the_activity_and_the_token_with_it()
    {
        var (client, _, _) = await ActorAsync("Auditor");
        var token = new JsonWebToken(client.DefaultRequestHeaders.Authorization!.Parameter);
        Assert.Equal(TimeSpan.FromHours(12), token.ValidTo - token.IssuedAt);

        await Factory.ExecuteAsync("UPDATE administration.operator_sessions SET started_at = started_at - interval '12 hours', expires_at = now() - interval '1 second' WHERE id = @id",
            ("id", SessionOf(client)));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(client));
    }

    [Fact]
    public async Task A_well_signed_token_without_a_live_session_is_refused()
    {
        var (client, _, id) = await ActorAsync("SecurityAdministrator");
        var key = new SymmetricSecurityKey(Convert.FromBase64String(Factory.JwtKey));
        string Forge(string? sessionId)
        {
            var claims = new List<Claim> { new("sub", id), new("role", "SecurityAdministrator"), new("amr", "pwd") };
            if (sessionId is not null) claims.Add(new Claim("sid", sessionId));
            return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = "cms", Audience = "cms-api", Subject = new ClaimsIdentity(claims),
                Expires = DateTime.UtcNow.AddHours(1), SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
            });
        }
        foreach (var forged in new[] { Forge(null), Forge(Guid.NewGuid().ToString()) })
        {
            var http = Anonymous();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/admin/operators")).StatusCode);
        }
        // The same forgery with the real session's id passes: what is checked is the session, not the claims' shape.
        var withSession = Anonymous();
        withSession.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Forge(SessionOf(client).ToString()));
        Assert.Equal(HttpStatusCode.OK, (await withSession.GetAsync("/api/v1/admin/operators")).StatusCode);
    }

    [Fact]
    public async Task Session_rows_are_deleted_90_days_after_their_absolute_end_and_not_before()
    {
        var (old, _, _) = await ActorAsync("Auditor");
        var (recent, _, _) = await ActorAsync("Auditor");
        Assert.Equal(HttpStatusCode.NoContent, (await recent.DeleteAsync("/api/v1/auth/sessions/current")).StatusCode);
        await Factory.ExecuteAsync("UPDATE administration.operator_sessions SET expires_at = now() - interval '91 days' WHERE id = @id", ("id", SessionOf(old)));
        await Factory.ExecuteAsync("UPDATE administration.operator_sessions SET expires_at = now() - interval '89 days' WHERE id = @id", ("id", SessionOf(recent)));

        Assert.Equal(1, await Factory.Services.GetRequiredService<SessionRetention>().PurgeAsync(CancellationToken.None));

        Assert.Equal(0, await Factory.ScalarAsync<long>("SELECT count(*) FROM administration.operator_sessions WHERE id = @id", ("id", SessionOf(old))));
        Assert.Equal(1, await Factory.ScalarAsync<long>("SELECT count(*) FROM administration.operator_sessions WHERE id = @id", ("id", SessionOf(recent))));
    }
}
