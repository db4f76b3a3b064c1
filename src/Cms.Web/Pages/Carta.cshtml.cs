namespace Cms.Web.Pages;

[Authorize(Roles = "Operator")]
public sealed class CartaModel : PageModel
{
    public Card? Card { get; private set; }
    [BindProperty(SupportsGet = true, Name = "operazione")] public string Operation { get; set; } = "attivazione";

    public IActionResult OnGet(string numero)
    {
        Card = CardStore.Peek(TempData, numero);
        return Card is null ? Redirect($"/identifica?operazione={Operation}") : Page();
    }
}
