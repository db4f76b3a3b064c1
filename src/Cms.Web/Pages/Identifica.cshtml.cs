using System.Text.Json;

namespace Cms.Web.Pages;

[Authorize(Roles = "Operator")]
public sealed class IdentificaModel(CmsApi api) : PageModel
{
    public sealed class ManualForm
    {
        public string? CodiceFiscale { get; set; }
        public string? CardNumberLast5 { get; set; }
        public string? ExpiryDate { get; set; }

        /// <summary>The whole card number: the revocation identifies the card by its number alone [T 2.5].</summary>
        public string? CardNumber { get; set; }
    }

    public static readonly Dictionary<string, string> Operations = new(StringComparer.Ordinal)
    {
        ["attivazione"] = "Attivazione",
        ["ristampa"] = "Ristampa PIN/PUK",
        ["revoca"] = "Revoca",
        ["consensi"] = "Consensi FSE",
        ["lettore"] = "Richiesta lettore",
        ["firma"] = "Certificato di firma digitale",
    };

    [BindProperty] public ManualForm Input { get; set; } = new();
    [BindProperty(SupportsGet = true, Name = "operazione")] public string Operation { get; set; } = "attivazione";
    [BindProperty(SupportsGet = true, Name = "modo")] public string? Mode { get; set; }
    public string OperationLabel => Operations.GetValueOrDefault(Operation, "Attivazione");

    /// <summary>The revocation identifies the card by its number alone.</summary>
    public bool ByNumber => Operation == "revoca";

    /// <summary>The card is not here and this counter may ask its issuing region ("Procedi con interoperabilità").</summary>
    public bool InteropAvailable { get; private set; }

    public IActionResult OnGet()
    {
        if (!Operations.ContainsKey(Operation)) Operation = "attivazione";
        // The reader has its own page (the old address still leads there).
        return Mode == "lettore" ? Redirect($"/identifica/lettore?operazione={Operation}") : Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!Operations.ContainsKey(Operation)) Operation = "attivazione";
        Card card;
        try
        {
            card = await api.Client.IdentifyCardAsync(ByNumber
                ? new CardIdentificationInput { CardNumber = Input.CardNumber?.Trim() ?? "" }
                : new CardIdentificationInput
                {
                    CodiceFiscale = Input.CodiceFiscale?.Trim().ToUpperInvariant(),
                    CardNumberLast5 = Input.CardNumberLast5?.Trim(),
                    ExpiryDate = Input.ExpiryDate,
                }, ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e);
            // A card of another region: the counter may send the operation there [T 2.11].
            InteropAvailable = Problems.Rule(e) == "card-not-found" && InteropForm.Operations.ContainsKey(Operation)
                && e is CmsApiException<Problem> p && p.Result.AdditionalProperties.TryGetValue("interoperabilityAvailable", out var a)
                && a is JsonElement { ValueKind: JsonValueKind.True };
            return Page();
        }
        CardStore.Keep(TempData, card);
        return Redirect($"/carta/{card.CardNumber}?operazione={Operation}");
    }
}

/// <summary>The identified card, carried to the next page (identification is recorded once, not on every page).</summary>
public static class CardStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static void Keep(Microsoft.AspNetCore.Mvc.ViewFeatures.ITempDataDictionary tempData, Card card) =>
        tempData["card:" + card.CardNumber] = JsonSerializer.Serialize(card, Json);

    public static Card? Peek(Microsoft.AspNetCore.Mvc.ViewFeatures.ITempDataDictionary tempData, string cardNumber) =>
        tempData.Peek("card:" + cardNumber) is string json ? JsonSerializer.Deserialize<Card>(json, Json) : null;
}
