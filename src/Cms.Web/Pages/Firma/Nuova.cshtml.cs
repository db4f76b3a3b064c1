namespace Cms.Web.Pages.Firma;

/// <summary>Step one of the digital-signature certificate request [S 7]: the holder's document and the privacy consent.</summary>
[Authorize(Roles = "Operator")]
public sealed class NuovaModel(CmsApi api) : PageModel
{
    public sealed class SignatureForm
    {
        public PersonPresentForm.DocumentForm Document { get; set; } = new();
        public bool PrivacyConsent { get; set; }

        public SignatureRequestInput ToCreate(string cardNumber) => new()
        {
            CardNumber = cardNumber,
            Document = new DocumentInput
            {
                Type = PersonPresentForm.Parse<DocumentType>(Document.Type), Number = Document.Number, IssuedBy = Document.IssuedBy,
                IssueDate = Document.IssueDate, ExpiryDate = Document.ExpiryDate,
            },
            PrivacyConsent = PrivacyConsent,
        };
    }

    private static readonly Dictionary<string, string> Rules = new(StringComparer.Ordinal)
    {
        ["document-expired"] = "document.expiryDate", ["document-not-yet-issued"] = "document.issueDate",
        ["privacy-consent-required"] = "privacyConsent",
    };

    [BindProperty(SupportsGet = true)] public string Numero { get; set; } = "";
    [BindProperty] public SignatureForm Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            var created = await api.Client.CreateSignatureRequestAsync(Input.ToCreate(Numero), ct);
            return Redirect($"/firma/{created.Id}");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, ruleFields: Rules);
            return Page();
        }
    }
}
