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
    [InlineData("\"roles\":[\"Operator\"]", "\"roles\":[\"Operator\",\"Pirate\"]", "$[0].roles[1] is \"Pirate\", not one of")]
    [InlineData("\"surname\":\"Rossi\",", "", "$[0].surname is required but missing")]
    [InlineData("\"surname\":\"Rossi\"", "\"surname\":\"Rossi\",\"secret\":\"x\"", "$[0].secret is not a member the contract declares")]
    [InlineData("\"enabledForCms\":true", "\"enabledForCms\":\"yes\"", "$[0].enabledForCms is a string, the contract says boolean")]
    [InlineData("\"id\":\"3f2b8c1e-4a5d-4e6f-8a9b-0c1d2e3f4a5b\"", "\"id\":\"not-a-guid\"", "not a uuid")]
    [InlineData("\"passwordChangedAt\":\"2026-11-25T10:30:00+00:00\"", "\"passwordChangedAt\":\"ieri\"", "not a date-time")]
    public async Task The_check_fails_an_answer_that_does_not_match_naming_the_operation_the_status_and_the_path(string from, string to, string expected)
    {
        var body = Me.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Me, body);
        var mismatch = await Assert.ThrowsAsync<ContractMismatchException>(() => AnswerAsync(HttpStatusCode.OK, body));
        Assert.Contains("GET /api/v1/admin/operators → 200", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains(expected, mismatch.Message, StringComparison.Ordinal);
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
}
