using System.Net;
using System.Net.Http.Json;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

public class AdministrationTests(CmsFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task A_security_administrator_manages_counters_of_every_type()
    {
        var admin = await AdminAsync();
        string[] types = ["ASL", "HOSPITAL", "MUNICIPALITY", "REGIONAL_OFFICE", "PHARMACY"];
        for (var i = 0; i < types.Length; i++)
        {
            var created = await OkAsync(await admin.PostAsJsonAsync("/api/v1/admin/counters",
                new { code = $"090-201-X{i:D4}", name = "Sportello " + types[i], type = types[i], region = "090" }), HttpStatusCode.Created);
            Assert.Equal(types[i], created.GetProperty("type").GetString());
        }
        var list = await OkAsync(await admin.GetAsync("/api/v1/admin/counters?region=090"));
        Assert.Equal(5, list.GetArrayLength());

        var updated = await OkAsync(await admin.PutAsJsonAsync("/api/v1/admin/counters/090-201-X0000", new { name = "Nuovo nome", type = "ASL", active = false }));
        Assert.False(updated.GetProperty("active").GetBoolean());
        Assert.Equal(6, await OperationsAsync("COUNTER_MANAGEMENT", "SUCCEEDED"));
    }

    [Fact]
    public async Task Bad_counters_are_refused_with_every_field_named()
    {
        var admin = await AdminAsync();
        var problem = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/admin/counters", new { code = "bad", name = "", region = "9" }),
            HttpStatusCode.BadRequest, "validation");
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "code", "name", "type", "region" }) Assert.True(errors.TryGetProperty(field, out _), field);

        var unknownType = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/admin/counters", new { code = "090-201-X1", name = "x", type = "BAR", region = "090" }),
            HttpStatusCode.BadRequest, "malformed-request");
        Assert.True(unknownType.GetProperty("errors").TryGetProperty("type", out _));

        await OkAsync(await admin.PostAsJsonAsync("/api/v1/admin/counters", new { code = "090-201-X1", name = "x", type = "ASL", region = "090" }), HttpStatusCode.Created);
        await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/admin/counters", new { code = "090-201-X1", name = "x", type = "ASL", region = "090" }),
            HttpStatusCode.Conflict, "counter-exists");
        await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/admin/counters", new { code = "100-201-X1", name = "x", type = "ASL", region = "090" }),
            HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Operators_are_created_with_counter_roles_and_the_cms_flag()
    {
        var admin = await AdminAsync();
        await EnsureCounterAsync(admin, "090-201-AS001", "ASL");
        var cf = NewCf('F');
        var op = await OkAsync(await admin.PostAsJsonAsync("/api/v1/admin/operators", new
        {
            codiceFiscale = cf, givenName = "Giulia", surname = "Rossi", counterCode = "090-201-AS001",
            roles = new[] { "Operator" }, password = "Giulia-Pwd-2026!", enabledForCms = false,
        }), HttpStatusCode.Created);
        Assert.False(op.GetProperty("enabledForCms").GetBoolean());
        Assert.False(op.TryGetProperty("password", out _));
        Assert.False(op.TryGetProperty("passwordHash", out _));

        await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/admin/operators", new
        {
            codiceFiscale = cf, givenName = "Giulia", surname = "Rossi", counterCode = "090-201-AS001",
            roles = new[] { "Operator" }, password = "Giulia-Pwd-2026!", enabledForCms = true,
        }), HttpStatusCode.Conflict, "operator-exists");

        var operators = await OkAsync(await admin.GetAsync("/api/v1/admin/operators"));
        Assert.Equal(2, operators.GetArrayLength());
    }

    [Fact]
    public async Task Bad_operators_are_refused_and_nothing_is_half_written()
    {
        var admin = await AdminAsync();
        var problem = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/admin/operators", new
        {
            codiceFiscale = "RSSMRA80A01H501X", givenName = "", surname = "Rossi", roles = new[] { "Operator", "King" },
            password = "weakpass", enabledForCms = true,
        }), HttpStatusCode.BadRequest, "validation");
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "codiceFiscale", "givenName", "roles[1]", "counterCode", "password" }) Assert.True(errors.TryGetProperty(field, out _), field);
        Assert.DoesNotContain("weakpass", problem.GetRawText()); // the password itself is never echoed

        // A counter that does not exist: a rule, not a crash; no operator row, one rejected audit entry.
        await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/admin/operators", new
        {
            codiceFiscale = NewCf(), givenName = "Luca", surname = "Neri", counterCode = "090-999-NONE",
            roles = new[] { "Operator" }, password = "Luca-Password-99", enabledForCms = true,
        }), HttpStatusCode.UnprocessableEntity, "counter-not-found");
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM administration.operators"));
        Assert.Equal(1, await OperationsAsync("OPERATOR_MANAGEMENT", "REJECTED"));
    }

    [Fact]
    public async Task An_administrator_cannot_lock_themselves_out()
    {
        var admin = await AdminAsync();
        var me = await OkAsync(await admin.GetAsync("/api/v1/auth/me"));
        await ProblemAsync(await admin.PutAsJsonAsync($"/api/v1/admin/operators/{me.GetProperty("operatorId").GetString()}",
            new { givenName = "A", surname = "B", roles = new[] { "Auditor" }, enabledForCms = true }), HttpStatusCode.Conflict, "cannot-demote-self");
    }

    [Fact]
    public async Task A_security_administrator_cannot_change_their_own_roles_but_another_one_can_and_the_refusal_is_in_the_trail()
    {
        var admin = await AdminAsync();
        var me = (await OkAsync(await admin.GetAsync("/api/v1/auth/me"))).GetProperty("operatorId").GetString();
        // Granting oneself the Auditor role (keeping one's own): refused, audited, nothing changed.
        var problem = await ProblemAsync(await admin.PutAsJsonAsync($"/api/v1/admin/operators/{me}",
            new { givenName = "A", surname = "B", roles = new[] { "SecurityAdministrator", "Auditor" }, enabledForCms = true }),
            HttpStatusCode.Conflict, "own-roles-change");
        Assert.Equal("own-roles-change", problem.GetProperty("rule").GetString());
        Assert.Equal(new[] { "SecurityAdministrator" }, await Factory.ScalarAsync<string[]>("SELECT roles FROM administration.operators WHERE id = @id", ("id", Guid.Parse(me!))));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'OPERATOR_MANAGEMENT' AND outcome = 'REJECTED' AND operator_id = @id AND detail = 'own-roles-change'",
            ("id", Guid.Parse(me!))));
        // The same roles in another order, with other names: not a change of roles.
        await OkAsync(await admin.PutAsJsonAsync($"/api/v1/admin/operators/{me}",
            new { givenName = "Amministratore", surname = "Primo", roles = new[] { "SecurityAdministrator" }, enabledForCms = true }));

        // Another security administrator can.
        var (second, _, _) = await ActorAsync("SecurityAdministrator");
        var updated = await OkAsync(await second.PutAsJsonAsync($"/api/v1/admin/operators/{me}",
            new { givenName = "Amministratore", surname = "Primo", roles = new[] { "SecurityAdministrator", "Auditor" }, enabledForCms = true }));
        Assert.Equal(2, updated.GetProperty("roles").GetArrayLength());
    }

    [Fact]
    public async Task Only_security_administrators_reach_administration()
    {
        var (operatorClient, _, _) = await ActorAsync("Operator");
        var (auditor, _, _) = await ActorAsync("Auditor");
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.GetAsync("/api/v1/admin/operators")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync("/api/v1/admin/counters", new { code = "090-201-Z1", name = "x", type = "ASL", region = "090" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().GetAsync("/api/v1/admin/counters")).StatusCode);
    }
}

public class AdministrationRaceTests(CmsFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task Two_administrators_creating_the_same_counter_at_once_get_one_success_and_one_conflict()
    {
        var admin = await AdminAsync();
        for (var round = 0; round < 5; round++)
        {
            var code = $"090-201-R{round}";
            var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
                admin.PostAsJsonAsync("/api/v1/admin/counters", new { code, name = "x", type = "ASL", region = "090" })));
            Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
            Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        }
    }
}
