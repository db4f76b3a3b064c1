using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cms.Api;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// The contract speaks the domain's nouns, chosen once (decision 0051, docs/contract.md), and the answers' check that the
/// whole suite runs through (<see cref="ContractValidatingHandler"/>) catches what a strict client would break on.
/// No database: these read files and hand-made answers only.
/// </summary>
public class ContractVocabularyTests
{
    private static string Root => TestDatabase.RepositoryRoot();
    private static JsonNode Contract() => JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "contracts", "cms-v1.openapi.json")))!;

    /// <summary>The domain's own "requests" (a request the system keeps, with an id and a state), the only names that may end in Request.</summary>
    private static readonly string[] RequestNouns =
        ["ActivationRequest", "ReprintRequest", "RevocationRequest", "ConsentRequest", "SignatureRequest", "InteropRequest", "CertificateRequest"];

    /// <summary>Words that name the code's internals: a schema name holds none of them (docs/contract.md, "How names are chosen").</summary>
    private static readonly string[] InternalWords = ["Command", "Query", "Dto", "View", "Endpoints", "Response", "Body"];

    public static IEnumerable<string> InternalWordsIn(string name)
    {
        if (name.Contains('.') || name.Contains('+') || name.Contains('`')) yield return "a namespace or a nested type";
        foreach (var word in InternalWords)
            if (Regex.IsMatch(name, word + "(?![a-z])")) yield return word;
        // The suffix of endpoint records (UpdateActivationRequest): a name ending in Request is one of the domain's requests itself.
        if (name.EndsWith("Request", StringComparison.Ordinal) && !RequestNouns.Contains(name)) yield return "Request (not one of the domain's requests)";
    }

    [Fact]
    public void Every_schema_of_the_contract_has_a_public_name_from_the_vocabulary_and_no_internal_word()
    {
        var names = Contract()["components"]!["schemas"]!.AsObject().Select(s => s.Key).ToList();
        var vocabulary = ContractNames.Names.Values.ToHashSet();
        var wrong = names.Where(n => !vocabulary.Contains(n)).Select(n => $"{n}: not in ContractNames")
            .Concat(names.SelectMany(n => InternalWordsIn(n).Select(w => $"{n}: {w}"))).ToList();
        Assert.True(wrong.Count == 0, "schema names of contracts/cms-v1.openapi.json:\n" + string.Join("\n", wrong));
        Assert.True(vocabulary.Count == ContractNames.Names.Count, "two types share a public name in ContractNames");
    }

    [Theory]
    [InlineData("Administration.Common.CounterDto")]
    [InlineData("CreateCounterCommand")]
    [InlineData("NoticeView")]
    [InlineData("ActivationEndpoints")]
    [InlineData("IdentifyCardQuery")]
    [InlineData("ReprintResponse")]
    [InlineData("UpdateActivationRequest")]
    [InlineData("UpdateConsentRequestBody")]
    public void The_rule_catches_internal_names(string name) => Assert.NotEmpty(InternalWordsIn(name));

    [Theory]
    [InlineData("ActivationRequest")]
    [InlineData("ActivationRequestInput")]
    [InlineData("CertificateRequestStatus")]
    [InlineData("Counter")]
    [InlineData("Problem")]
    public void The_rule_lets_the_domain_s_nouns_through(string name) => Assert.Empty(InternalWordsIn(name));

    [Fact]
    public void The_vocabulary_table_of_docs_contract_md_is_the_code_s_table()
    {
        var text = File.ReadAllText(Path.Combine(Root, "docs", "contract.md"));
        var start = text.IndexOf("<!-- vocabulary:start -->", StringComparison.Ordinal);
        var end = text.IndexOf("<!-- vocabulary:end -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "docs/contract.md has no vocabulary table between its markers");
        var documented = new Dictionary<string, string>();
        foreach (Match row in Regex.Matches(text[start..end], @"^\|\s*`([^`]+)`\s*\|\s*(.*?)\s*\|\s*$", RegexOptions.Multiline))
        {
            Assert.False(documented.ContainsKey(row.Groups[1].Value), $"{row.Groups[1].Value} is twice in docs/contract.md");
            documented[row.Groups[1].Value] = row.Groups[2].Value;
        }
        var code = ContractNames.Names.Values.ToHashSet();
        var onlyInDoc = documented.Keys.Except(code).ToList();
        var onlyInCode = code.Except(documented.Keys).ToList();
        Assert.True(onlyInDoc.Count == 0 && onlyInCode.Count == 0,
            $"docs/contract.md and ContractNames differ.\nOnly in the doc: {string.Join(", ", onlyInDoc)}\nOnly in the code: {string.Join(", ", onlyInCode)}");
        Assert.All(documented, d => Assert.False(string.IsNullOrWhiteSpace(d.Value), $"{d.Key} has no meaning in docs/contract.md"));
    }

    [Fact]
    public void A_type_without_a_public_name_stops_the_document_rather_than_leak_its_internal_name()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => ContractNames.For(typeof(ContractVocabularyTests)));
        Assert.Contains("ContractNames", refused.Message, StringComparison.Ordinal);
    }

    // --- the answers' check -------------------------------------------------------------------------------------------

    private static readonly string Me = """
        [{"id":"3f2b8c1e-4a5d-4e6f-8a9b-0c1d2e3f4a5b","codiceFiscale":"RSSMRA80A01H501U","givenName":"Mario","surname":"Rossi",
          "counterCode":null,"roles":["Operator"],"enabledForCms":true,"passwordChangedAt":"2026-11-25T10:30:00+00:00"}]
        """;

    /// <summary>A hand-made answer of GET /api/v1/admin/operators, through the same handler the fixtures' clients use.</summary>
    private static async Task<HttpResponseMessage> AnswerAsync(HttpStatusCode status, string? body, string mediaType = "application/json",
        string path = "/api/v1/admin/operators")
    {
        var stub = new Stub(() => new HttpResponseMessage(status)
        {
            Content = body is null ? new ByteArrayContent([]) : new StringContent(body, Encoding.UTF8, mediaType),
        });
        using var client = new HttpClient(new ContractValidatingHandler(stub)) { BaseAddress = new Uri("http://localhost") };
        return await client.GetAsync(path);
    }

    private sealed class Stub(Func<HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer());
    }

    [Fact]
    public async Task The_check_lets_an_answer_that_matches_the_contract_through()
    {
        var schema = Contract()["paths"]!["/api/v1/admin/operators"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
        var answer = JsonNode.Parse(Me)!;
        // The sample holds every required member of the contract's schema, so that the positive case is real.
        Assert.Empty(ContractAnswers.Contract.Validate(schema, answer));
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(HttpStatusCode.OK, Me)).StatusCode);
    }

    [Theory]
    [InlineData("\"givenName\":\"Mario\"", "\"givenName\":null", "$[0].givenName is null, but the contract does not declare it nullable")]
    [InlineData("\"roles\":[\"Operator\"]", "\"roles\":[\"Operator\",\"Pirate\"]", "$[0].roles[1] is a string that is not one of")]
    [InlineData("\"surname\":\"Rossi\",", "", "$[0].surname is required but missing")]
    [InlineData("\"enabledForCms\":true", "\"enabledForCms\":\"yes\"", "$[0].enabledForCms is a string, the contract says boolean")]
    [InlineData("\"id\":\"3f2b8c1e-4a5d-4e6f-8a9b-0c1d2e3f4a5b\"", "\"id\":\"not-a-guid\"", "not a uuid")]
    [InlineData("\"passwordChangedAt\":\"2026-11-25T10:30:00+00:00\"", "\"passwordChangedAt\":\"ieri\"", "not a date-time")]
    // Decision 0051, follow-up: a date-time carries its offset (RFC 3339).
    [InlineData("\"passwordChangedAt\":\"2026-11-25T10:30:00+00:00\"", "\"passwordChangedAt\":\"2026-11-25T10:30:00\"", "$[0].passwordChangedAt is a string of 19 characters, not a date-time")]
    [InlineData("\"passwordChangedAt\":\"2026-11-25T10:30:00+00:00\"", "\"passwordChangedAt\":\"2026-11-25 10:30:00Z\"", "not a date-time")]
    public async Task The_check_fails_an_answer_that_does_not_match_naming_the_operation_the_status_and_the_path(string from, string to, string expected)
    {
        var body = Me.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Me, body);
        var mismatch = await Assert.ThrowsAsync<ContractMismatchException>(() => AnswerAsync(HttpStatusCode.OK, body));
        Assert.Contains("GET /api/v1/admin/operators → 200", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains(expected, mismatch.Message, StringComparison.Ordinal);
        // No value of the answer is quoted (a token or code halves could reach a test's log).
        Assert.DoesNotContain("Pirate", mismatch.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ieri", mismatch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_check_fails_an_undeclared_status_or_media_type_or_a_missing_body()
    {
        Assert.Contains("status 409 is not declared",
            (await Assert.ThrowsAsync<ContractMismatchException>(() => AnswerAsync(HttpStatusCode.Conflict, "{}", "application/problem+json"))).Message);
        Assert.Contains("media type text/csv is not declared",
            (await Assert.ThrowsAsync<ContractMismatchException>(() => AnswerAsync(HttpStatusCode.OK, "a;b", "text/csv"))).Message);
        Assert.Contains("no body",
            (await Assert.ThrowsAsync<ContractMismatchException>(() => AnswerAsync(HttpStatusCode.OK, null))).Message);
        Assert.Contains("the contract has no such path",
            (await Assert.ThrowsAsync<ContractMismatchException>(() => AnswerAsync(HttpStatusCode.OK, "{}", path: "/api/v1/nowhere"))).Message);
        // The report's files are declared beside its JSON (the issue's second finding).
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(HttpStatusCode.OK, "a;b", "text/csv", "/api/v1/reports/my-operations")).StatusCode);
    }

    // --- decision 0051, follow-up: the check's second reader --------------------------------------------------------

    private const string Problem = """{"type":"urn:cms:problem:forbidden","title":"Operazione non consentita","status":403,"rule":"forbidden","traceId":"0HN:1"}""";

    [Fact]
    public async Task An_answer_may_carry_a_member_the_contract_does_not_declare_but_what_clients_send_is_closed()
    {
        // Additions are not breaking: answers' schemas are open, clients tolerate unknown members (docs/contract.md).
        var extra = Me.Replace("\"surname\":\"Rossi\"", "\"surname\":\"Rossi\",\"nickname\":\"x\"", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(HttpStatusCode.OK, extra)).StatusCode);
        var schemas = Contract()["components"]!["schemas"]!.AsObject();
        var closed = schemas.Where(s => s.Value!["additionalProperties"] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.False)
            .Select(s => s.Key).ToHashSet();
        Assert.Contains("OperatorInput", closed);
        Assert.DoesNotContain("Operator", closed);
        Assert.DoesNotContain(ContractAnswers.ProblemSchema, closed);
        // Every closed schema is one clients send (Input, Update, or a part of them).
        Assert.All(closed, name => Assert.True(name.EndsWith("Input", StringComparison.Ordinal) || name.EndsWith("Update", StringComparison.Ordinal)
            || name is "ChipData" or "CardFeedCodes" or "CardFeedHolder" or "CardFeedResidence" or "CardMigrationLine" or "MigrationConsent"
                or "MigrationOperation" or "MigrationReaderDelivery", $"{name} is closed but is not what a client sends"));
    }

    [Fact]
    public async Task A_500_always_fails_and_an_undeclared_502_503_504_fails_unless_suspended()
    {
        var failed = await Assert.ThrowsAsync<ContractMismatchException>(() =>
            AnswerAsync(HttpStatusCode.InternalServerError, Problem.Replace("403", "500").Replace("forbidden", "unexpected"), "application/problem+json"));
        Assert.Contains("the server failed (500)", failed.Message, StringComparison.Ordinal);
        var gateway = await Assert.ThrowsAsync<ContractMismatchException>(() =>
            AnswerAsync(HttpStatusCode.BadGateway, Problem.Replace("403", "502"), "application/problem+json"));
        Assert.Contains("status 502 is not declared", gateway.Message, StringComparison.Ordinal);
        // 503 is declared for every operation (the database unavailable): its problem passes.
        var unavailable = """{"type":"urn:cms:problem:service-unavailable","status":503,"rule":"service-unavailable","traceId":"0HN:1"}""";
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await AnswerAsync(HttpStatusCode.ServiceUnavailable, unavailable, "application/problem+json")).StatusCode);
        // A test that provokes a failure on purpose says so.
        using (ContractValidatingHandler.Suspend())
            Assert.Equal(HttpStatusCode.GatewayTimeout, (await AnswerAsync(HttpStatusCode.GatewayTimeout, null)).StatusCode);
        // The framework's 415 is named for what it is, where the operation takes no body.
        var unsupported = await Assert.ThrowsAsync<ContractMismatchException>(() => AnswerAsync(HttpStatusCode.UnsupportedMediaType, null));
        Assert.Contains("the framework's 415 (unsupported media type", unsupported.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("server error", unsupported.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_problem_names_its_type_and_its_rule_with_the_members_the_contract_declares()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await AnswerAsync(HttpStatusCode.Forbidden, Problem, "application/problem+json")).StatusCode);
        async Task<string> Fails(string body) =>
            (await Assert.ThrowsAsync<ContractMismatchException>(() => AnswerAsync(HttpStatusCode.Forbidden, body, "application/problem+json"))).Message;
        Assert.Contains("$.rule is not the rule of $.type", await Fails(Problem.Replace("\"rule\":\"forbidden\"", "\"rule\":\"other\"")), StringComparison.Ordinal);
        Assert.Contains("$.rule is missing", await Fails(Problem.Replace(",\"rule\":\"forbidden\"", "")), StringComparison.Ordinal);
        Assert.Contains("$.type is missing", await Fails(Problem.Replace("\"type\":\"urn:cms:problem:forbidden\",", "")), StringComparison.Ordinal);
        Assert.Contains("$.traceId is a number, the contract says string", await Fails(Problem.Replace("\"0HN:1\"", "5")), StringComparison.Ordinal);
        Assert.Contains("$.errors.cardNumber is a string, the contract says array",
            await Fails(Problem.Replace("}", ",\"errors\":{\"cardNumber\":\"Numero non valido.\"}}")), StringComparison.Ordinal);
        Assert.Contains("$.rules.cardNumber[0] is a number, the contract says string",
            await Fails(Problem.Replace("}", ",\"rules\":{\"cardNumber\":[1]}}")), StringComparison.Ordinal);
        Assert.Contains("$.status is not the answer's status", await Fails(Problem.Replace("403", "404")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Formats_charsets_empty_bodies_and_paths_are_checked_strictly_and_no_value_is_quoted()
    {
        var contract = ContractAnswers.Contract;
        JsonNode Schema(string json) => JsonNode.Parse(json)!;
        Assert.NotEmpty(contract.Validate(Schema("""{"type":"integer","format":"int32"}"""), JsonValue.Create(2147483648L)));
        Assert.Empty(contract.Validate(Schema("""{"type":"integer","format":"int32"}"""), JsonValue.Create(2147483647)));
        Assert.NotEmpty(contract.Validate(Schema("""{"type":"integer","format":"int64"}"""), JsonNode.Parse("9223372036854775808")));
        Assert.Empty(contract.Validate(Schema("""{"type":"integer","format":"int64"}"""), JsonNode.Parse("9223372036854775807")));
        Assert.NotEmpty(contract.Validate(Schema("""{"type":"string","format":"byte"}"""), JsonValue.Create("JVBE Ri0xLjcK")));
        Assert.NotEmpty(contract.Validate(Schema("""{"type":"string","format":"byte"}"""), JsonValue.Create("JVBERi0xLjcK\n")));
        Assert.Empty(contract.Validate(Schema("""{"type":"string","format":"byte"}"""), JsonValue.Create("JVBERi0xLjcK")));
        Assert.Empty(contract.Validate(Schema("""{"type":"string","format":"date-time"}"""), JsonValue.Create("2026-11-25T10:30:00.1234567Z")));
        // A charset other than utf-8.
        var stub = new Stub(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Me, Encoding.Latin1, "application/json") });
        using (var client = new HttpClient(new ContractValidatingHandler(stub)) { BaseAddress = new Uri("http://localhost") })
            Assert.Contains("charset iso-8859-1, not utf-8",
                (await Assert.ThrowsAsync<ContractMismatchException>(() => client.GetAsync("/api/v1/admin/operators"))).Message, StringComparison.Ordinal);
        // An empty body under a declared media type that is not JSON.
        Assert.Contains("no body (text/csv)",
            (await Assert.ThrowsAsync<ContractMismatchException>(() => AnswerAsync(HttpStatusCode.OK, "", "text/csv", "/api/v1/reports/my-operations"))).Message,
            StringComparison.Ordinal);
        // Routing ignores case: so does the check, which finds the operation and its mismatch.
        Assert.Contains("is null, but the contract does not declare it nullable",
            (await Assert.ThrowsAsync<ContractMismatchException>(() => AnswerAsync(HttpStatusCode.OK,
                Me.Replace("\"givenName\":\"Mario\"", "\"givenName\":null", StringComparison.Ordinal), path: "/API/V1/Admin/Operators"))).Message,
            StringComparison.Ordinal);
        // A body that is not JSON: where the parser stopped, not what it read.
        var broken = await Assert.ThrowsAsync<ContractMismatchException>(() => AnswerAsync(HttpStatusCode.OK, """[{"id":Xsecret}]"""));
        Assert.Contains("the body is not JSON (line 0, byte", broken.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'X'", broken.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The nullable wrapper has one form, <c>{allOf: [{$ref}], nullable: true}</c> (decision 0051: what NSwag, openapi-typescript
    /// and the check all read as "the schema, or null"), and it is used exactly where the C# member may be null: a bare
    /// <c>$ref</c> member is never null, a wrapped one may be.
    /// </summary>
    [Fact]
    public void Every_nullable_wrapper_has_one_form_and_every_bare_reference_member_is_never_null()
    {
        var schemas = Contract()["components"]!["schemas"]!.AsObject();
        var types = ContractNames.Names.ToDictionary(n => n.Value, n => n.Key);
        var nullability = new System.Reflection.NullabilityInfoContext();
        var wrong = new List<string>();
        var (bare, wrapped) = (0, 0);
        foreach (var (name, schema) in schemas)
            foreach (var (member, property) in schema!["properties"]?.AsObject() ?? [])
            {
                var isBare = property!["$ref"] is not null;
                var isWrapper = property["allOf"] is not null;
                if (!isBare && !isWrapper) continue;
                if (isWrapper && !(property.AsObject().Count == 2 && property["nullable"]?.GetValue<bool>() == true
                    && property["allOf"] is JsonArray { Count: 1 } only && only[0]!.AsObject().Count == 1 && only[0]!["$ref"] is not null))
                    wrong.Add($"{name}.{member}: a wrapper other than {{allOf:[{{$ref}}],nullable:true}}");
                var clr = types[name].GetProperties().FirstOrDefault(p => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.Name) == member);
                if (clr is null)
                {
                    wrong.Add($"{name}.{member}: no such member of {types[name].Name}");
                    continue;
                }
                var mayBeNull = clr.PropertyType.IsValueType
                    ? Nullable.GetUnderlyingType(clr.PropertyType) is not null
                    : nullability.Create(clr).ReadState != System.Reflection.NullabilityState.NotNull;
                if (isBare) bare++; else wrapped++;
                if (isBare && mayBeNull) wrong.Add($"{name}.{member}: a bare $ref, but {types[name].Name}.{clr.Name} may be null");
                if (isWrapper && !mayBeNull) wrong.Add($"{name}.{member}: declared nullable, but {types[name].Name}.{clr.Name} is never null");
            }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.True(bare > 20 && wrapped > 20, $"only {bare} bare and {wrapped} wrapped members: the test reads the wrong document");
    }
}
