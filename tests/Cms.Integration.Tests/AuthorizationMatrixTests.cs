using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cms.Application.Interop.Common;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// The authorisation matrix: every operation of the checked-in contract, called by every kind of caller — nobody, an
/// operator at each counter type, a security administrator, an auditor, the issuer, a call-centre operator, a citizen with their card's
/// certificate, a peer region with a signed request — is refused by authorisation exactly when the table below says so.
/// An operation of the contract missing from the table fails the test: a new endpoint needs its rule.
/// </summary>
public class AuthorizationMatrixTests(CmsFactory factory) : ApiTest(factory)
{
    public const string Anyone = "anyone", Authenticated = "authenticated", Operator = "Operator", InteropOperator = "InteropOperator",
        SecurityAdministrator = "SecurityAdministrator", Auditor = "Auditor", Issuer = "Issuer", Citizen = "Citizen", PeerRegion = "PeerRegion",
        CallCentre = "CallCentre",
        CertificateHolder = "CertificateHolder";

    /// <summary>
    /// Who may call each operation (by operationId). Operators and auditors read history; interop is for the operators of the
    /// counter types the region's policy names (<see cref="ApiTest.ContractCallersAsync"/>: by default every type but pharmacies).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> Rules = new Dictionary<string, string[]>
    {
        ["getStatus"] = [Anyone], ["createAccessToken"] = [Anyone], ["changePassword"] = [Anyone],
        ["createAccessTokenWithCertificate"] = [CertificateHolder], ["renewCard"] = [CertificateHolder],
        ["getCurrentOperator"] = [Authenticated], ["listSessions"] = [Authenticated], ["signOut"] = [Authenticated], ["endSession"] = [Authenticated],
        ["listNotices"] = [Authenticated],
        // The blank forms: every operator role but the call centre's, which has no access to codes or forms (decision 0041).
        ["listForms"] = [Operator, SecurityAdministrator, Auditor, Issuer], ["getForm"] = [Operator, SecurityAdministrator, Auditor, Issuer],
        ["publishNotice"] = [SecurityAdministrator], ["withdrawNotice"] = [SecurityAdministrator],
        ["listCounters"] = [SecurityAdministrator], ["createCounter"] = [SecurityAdministrator], ["updateCounter"] = [SecurityAdministrator],
        ["listOperators"] = [SecurityAdministrator], ["createOperator"] = [SecurityAdministrator], ["updateOperator"] = [SecurityAdministrator],
        ["listPeers"] = [SecurityAdministrator], ["registerPeer"] = [SecurityAdministrator],
        ["listRecipientApprovals"] = [SecurityAdministrator], ["approveRecipient"] = [SecurityAdministrator],
        ["revokeRecipientApproval"] = [SecurityAdministrator],
        ["loadCardFeed"] = [Issuer], ["createIssuerRevocation"] = [Issuer],
        ["verifyAuditTrail"] = [Auditor], ["listAuditOperations"] = [Auditor], ["getAuditStatistics"] = [Auditor],
        ["getSubjectAccess"] = [Auditor], ["getAuditAlerts"] = [Auditor],
        ["getCardHistory"] = [Operator, Auditor], ["getHolderCards"] = [Operator, Auditor], ["getCardConsents"] = [Operator, Auditor],
        ["getDelivery"] = [Operator, Auditor],
        ["identifyCard"] = [Operator],
        ["createActivation"] = [Operator], ["getActivation"] = [Operator], ["updateActivation"] = [Operator], ["confirmActivation"] = [Operator], ["sendActivationRecipientProof"] = [Operator],
        ["cancelActivation"] = [Operator], ["getActivationDocument"] = [Operator],
        ["createReprint"] = [Operator], ["getReprint"] = [Operator], ["updateReprint"] = [Operator], ["confirmReprint"] = [Operator], ["sendReprintRecipientProof"] = [Operator],
        ["cancelReprint"] = [Operator], ["getReprintDocument"] = [Operator],
        ["createRevocation"] = [Operator], ["getRevocation"] = [Operator], ["updateRevocation"] = [Operator], ["verifyRevocationCip"] = [Operator],
        ["confirmRevocation"] = [Operator], ["cancelRevocation"] = [Operator], ["getRevocationDocument"] = [Operator],
        ["suspendCard"] = [Operator], ["reactivateCard"] = [Operator],
        ["identifyCallCentreHolder"] = [CallCentre], ["suspendIdentifiedCard"] = [CallCentre], ["reactivateIdentifiedCard"] = [CallCentre],
        ["createReaderDelivery"] = [Operator], ["getReaderDelivery"] = [Operator], ["updateReaderDelivery"] = [Operator],
        ["confirmReaderDelivery"] = [Operator], ["cancelReaderDelivery"] = [Operator], ["getReaderDeliveryDocument"] = [Operator],
        ["createSignatureRequest"] = [Operator], ["getSignatureRequest"] = [Operator], ["updateSignatureRequest"] = [Operator],
        ["confirmSignatureRequest"] = [Operator], ["cancelSignatureRequest"] = [Operator], ["getSignatureRequestDocument"] = [Operator],
        ["createConsentRequest"] = [Operator], ["getConsentRequest"] = [Operator], ["updateConsentRequest"] = [Operator],
        ["confirmConsentRequest"] = [Operator], ["cancelConsentRequest"] = [Operator], ["getConsentRequestDocument"] = [Operator],
        ["getMyOperationsReport"] = [Operator], ["getMyOperationsReportCsv"] = [Operator], ["getMyOperationsReportPdf"] = [Operator],
        ["getMyActivationStatistics"] = [Operator],
        ["createInteropRequest"] = [InteropOperator], ["getInteropRequest"] = [InteropOperator], ["confirmInteropRequest"] = [InteropOperator], ["sendInteropRecipientProof"] = [InteropOperator],
        ["cancelInteropRequest"] = [InteropOperator], ["getInteropRequestDocument"] = [InteropOperator],
        ["receiveInteropActivation"] = [PeerRegion], ["receiveInteropReprint"] = [PeerRegion], ["receiveInteropRevocation"] = [PeerRegion],
    };

    [Fact]
    public void Every_operation_of_the_contract_has_a_rule_and_every_rule_an_operation()
    {
        var ids = ContractDocument.Operations().Select(o => o.Id).ToHashSet();
        Assert.Empty(ids.Except(Rules.Keys));
        Assert.Empty(Rules.Keys.Except(ids));
    }

    [Fact]
    public async Task Each_caller_reaches_exactly_the_operations_its_role_allows()
    {
        var callers = await ContractCallersAsync();
        // The sign-out ends each caller's session: last.
        var checkedCount = await AssertMatrixAsync(ContractDocument.Operations().OrderBy(o => o.Id == "signOut"), callers);
        Assert.True(checkedCount >= 70 * 10, $"only {checkedCount} calls made");
    }

    [Fact]
    public async Task Under_a_region_policy_of_health_authorities_and_regional_offices_only_their_operators_reach_interop()
    {
        // Sardegna: interoperability at the health authorities' counters and the regional URPs only [S 8] (decision 0038).
        using var policy = Factory.WithPolicy(o => o.Interop = new() { CounterTypes = ["ASL", "REGIONAL_OFFICE"] });
        var callers = await ContractCallersAsync();
        Assert.Equal(["Operator@ASL", "Operator@REGIONAL_OFFICE"], callers.Where(c => c.Is.Contains(InteropOperator)).Select(c => c.Name).ToArray());
        var checkedCount = await AssertMatrixAsync(ContractDocument.Operations().Where(o => Rules[o.Id].Contains(InteropOperator) || o.Id == "identifyCard"),
            callers.Where(c => c.Name.StartsWith("Operator@", StringComparison.Ordinal)).ToList());
        Assert.Equal(7 * 5, checkedCount);
    }

    /// <summary>Calls each operation as each caller and fails naming every call the rules' table does not predict; answers the count.</summary>
    private static async Task<int> AssertMatrixAsync(IEnumerable<ContractOperation> operations, IReadOnlyList<ContractCaller> callers)
    {
        var wrong = new List<string>();
        var checkedCount = 0;
        foreach (var operation in operations)
        {
            var allowedTo = Rules[operation.Id];
            foreach (var caller in callers)
            {
                var allowed = allowedTo.Contains(Anyone) || allowedTo.Any(caller.Is.Contains);
                var path = ContractDocument.Concrete(operation.Path);
                var body = operation.Method == HttpMethod.Get ? [] : Encoding.UTF8.GetBytes($"{{\"nonce\":\"{Guid.NewGuid():N}\"}}");
                using var response = await caller.SendAsync(operation.Method, path, operation.Method == HttpMethod.Get ? null : body, "application/json");
                var refused = await RefusedByAuthorisationAsync(response);
                checkedCount++;
                if (refused == allowed)
                    wrong.Add($"{operation.Id} ({operation.Method} {operation.Path}) by {caller.Name}: {(int)response.StatusCode}, expected {(allowed ? "to get through" : "a refusal")}");
            }
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {checkedCount} calls broke the matrix:\n{string.Join('\n', wrong)}");
        return checkedCount;
    }

    /// <summary>401/403 from authentication or authorisation (not a business rule that happens to answer 401/403).</summary>
    private static async Task<bool> RefusedByAuthorisationAsync(HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)) return false;
        var text = await response.Content.ReadAsStringAsync();
        if (string.IsNullOrWhiteSpace(text)) return true;
        try
        {
            using var json = JsonDocument.Parse(text);
            var type = json.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
            // interop-not-allowed-at-counter: the interop policy's own refusal of an operator at a counter the region leaves out.
            // modi-*: the ModI profile's refusal of a call without its tokens (decision 0059), e.g. an operator's token alone.
            return type is null or "urn:cms:problem:unauthenticated" or "urn:cms:problem:forbidden" or "urn:cms:problem:peer-authentication-failed"
                or "urn:cms:problem:interop-not-allowed-at-counter" or "urn:cms:problem:modi-header-missing"
                || !type.StartsWith("urn:cms:problem:", StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return true;
        }
    }

    [Fact]
    public async Task An_operator_never_sees_another_operators_report_nor_another_counters_requests()
    {
        const string number = "80380000900000066001";
        await FeedAsync(Card(number));
        var (first, _, _) = await ActorAsync("Operator");
        var (colleague, _, _) = await ActorAsync("Operator");             // same counter
        var (elsewhere, _, _) = await ActorAsync("Operator", "HOSPITAL");  // another counter
        var created = await OkAsync(await first.PostAsync("/api/v1/activations", JsonContent(new
        {
            cardNumber = number, mode = "DIRECT",
            document = new { type = "CARTA_IDENTITA", number = "CA12345AB", issuedBy = "Comune di Firenze", issueDate = Iso(Today.AddYears(-2)), expiryDate = Iso(Today.AddYears(8)) },
            delivery = new { channel = "EMAIL", email = "titolare@example.it", emailConfirmation = "titolare@example.it" },
            privacyConsent = true,
        })), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString();
        await OkAsync(await first.PostAsync($"/api/v1/activations/{id}/confirm", await first.SignedAsync("activations", id)));

        Assert.Equal(1, (await OkAsync(await first.GetAsync("/api/v1/reports/my-operations"))).GetProperty("count").GetInt32());
        Assert.Equal(0, (await OkAsync(await colleague.GetAsync("/api/v1/reports/my-operations"))).GetProperty("count").GetInt32());
        Assert.DoesNotContain(number, await colleague.GetStringAsync("/api/v1/reports/my-operations/csv"));
        Assert.Equal(1, (await OkAsync(await first.GetAsync("/api/v1/statistics/my-activations"))).GetProperty("activatedCards").GetInt32());
        Assert.Equal(0, (await OkAsync(await colleague.GetAsync("/api/v1/statistics/my-activations"))).GetProperty("activatedCards").GetInt32());
        // Another counter does not even learn that the request exists.
        await ProblemAsync(await elsewhere.GetAsync($"/api/v1/activations/{id}"), HttpStatusCode.NotFound, "request-not-found");
    }

    private static StringContent JsonContent(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");
}
