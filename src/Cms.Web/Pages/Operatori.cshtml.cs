namespace Cms.Web.Pages;

/// <summary>Security administrators: the operators and their "enabled for the CMS" flag.</summary>
[Authorize(Roles = "SecurityAdministrator")]
public sealed class OperatoriModel(CmsApi api) : PageModel
{
    public sealed class OperatorForm
    {
        public string? CodiceFiscale { get; set; }
        public string? GivenName { get; set; }
        public string? Surname { get; set; }
        /// <summary>Operator (a counter's) or CallCentre (no counter).</summary>
        public string Role { get; set; } = "Operator";
        public string? CounterCode { get; set; }
        public string? Password { get; set; }
        public bool EnabledForCms { get; set; } = true;
    }

    public static readonly (string Value, string Label)[] Roles =
    [
        ("Operator", "Operatore di sportello"), ("CallCentre", "Operatore del call center"),
    ];

    public static string RoleLabel(string role) => role switch
    {
        "Operator" => "Operatore di sportello",
        "CallCentre" => "Call center",
        "SecurityAdministrator" => "Amministratore della sicurezza",
        "Auditor" => "Revisore",
        "Issuer" => "Ente emettitore",
        _ => role,
    };

    [BindProperty] public OperatorForm Input { get; set; } = new();
    public IReadOnlyList<Operator> Operators { get; private set; } = [];
    public IReadOnlyList<Counter> Counters { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Operators = [.. await api.Client.ListOperatorsAsync(cancellationToken: ct)];
        Counters = [.. await api.Client.ListCountersAsync(cancellationToken: ct)];
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            await api.Client.CreateOperatorAsync(new OperatorInput
            {
                CodiceFiscale = Input.CodiceFiscale?.Trim().ToUpperInvariant(), GivenName = Input.GivenName, Surname = Input.Surname,
                CounterCode = Labels.Blank(Input.CounterCode), Password = Input.Password, EnabledForCms = Input.EnabledForCms,
                Roles = [Enum.TryParse<Role>(Input.Role, out var role) ? role : Role.Operator],
            }, ct);
            return Redirect("/operatori");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e);
            await OnGetAsync(ct);
            return Page();
        }
    }

    /// <summary>The update replaces the operator's data: everything is sent again, with the flag changed.</summary>
    public async Task<IActionResult> OnPostToggleAsync(Guid id, bool enabled, CancellationToken ct)
    {
        var current = (await api.Client.ListOperatorsAsync(cancellationToken: ct)).FirstOrDefault(o => o.Id == id);
        if (current is null) return Redirect("/operatori");
        try
        {
            await api.Client.UpdateOperatorAsync(id, new OperatorUpdate
            {
                GivenName = current.GivenName, Surname = current.Surname, CounterCode = current.CounterCode, EnabledForCms = enabled,
                Roles = [.. current.Roles.Select(r => Enum.Parse<Role>(r.ToString()))],
            }, ct);
            return Redirect("/operatori");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "");
            await OnGetAsync(ct);
            return Page();
        }
    }
}
