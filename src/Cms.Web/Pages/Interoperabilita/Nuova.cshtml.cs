namespace Cms.Web.Pages.Interoperabilita;

/// <summary>A counter operation on another region's card ("Procedi con interoperabilità"): the form, then its summary.</summary>
[Authorize(Roles = "Operator")]
public sealed class NuovaModel(CmsApi api) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "operazione")] public string Operation { get; set; } = "attivazione";
    [BindProperty(SupportsGet = true, Name = "tessera")] public string? CardNumber { get; set; }
    [BindProperty] public InteropForm Input { get; set; } = new();

    public InteropKind Kind => InteropForm.Operations.GetValueOrDefault(Operation, InteropForm.Operations["attivazione"]).Kind;
    public string OperationLabel => InteropForm.Operations.GetValueOrDefault(Operation, InteropForm.Operations["attivazione"]).Label;

    public void OnGet()
    {
        if (!InteropForm.Operations.ContainsKey(Operation)) Operation = "attivazione";
        Input.CardNumber ??= CardNumber;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!InteropForm.Operations.ContainsKey(Operation)) Operation = "attivazione";
        try
        {
            var created = await api.Client.CreateInteropRequestAsync(Input.ToCommand(Kind), ct);
            return Redirect($"/interoperabilita/{created.Id}");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, ruleFields: InteropForm.Rules);
            return Page();
        }
    }
}
