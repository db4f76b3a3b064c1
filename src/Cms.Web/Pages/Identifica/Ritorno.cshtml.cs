namespace Cms.Web.Pages.Identifica;

/// <summary>
/// Where the reader bridge posts the chip's data. The request comes from another site (the desk's loopback), so it carries
/// neither the sign-in cookie nor an antiforgery token: the encrypted state the reader page gave the bridge is what makes it
/// acceptable. The data are sealed with that state into the reader page's address, and a same-site refresh takes the
/// browser there — where the cookie is sent again and the reading is opened only in the session that asked for it.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class RitornoModel(ReaderHandoff handoff) : PageModel
{
    public string? Next { get; private set; }

    public IActionResult OnGet() => Redirect("/identifica/lettore");

    public IActionResult OnPost()
    {
        var form = Request.Form;
        string Field(string name) => form[name].ToString().Trim();
        var fields = new[] { "numeroTessera", "codiceFiscale", "cognome", "nome", "dataNascita", "dataScadenza" };
        if (handoff.OpenState(Field("stato")) is not { } state)
        {
            ModelState.AddModelError("", "La richiesta di lettura è scaduta o non è valida: tornare alla pagina del lettore e leggere di nuovo la tessera.");
            return Page();
        }
        if (fields.Any(f => Field(f).Length is 0 or > 200))
        {
            ModelState.AddModelError("", "Il programma del lettore non ha inviato tutti i dati della tessera: leggere di nuovo la tessera.");
            return Page();
        }
        var chip = new ChipData
        {
            CardNumber = Field("numeroTessera"),
            CodiceFiscale = Field("codiceFiscale"),
            Surname = Field("cognome"),
            GivenName = Field("nome"),
            BirthDate = Field("dataNascita"),
            ExpiryDate = Field("dataScadenza"),
        };
        var sealedReading = Uri.EscapeDataString(handoff.Seal(state, chip));
        Next = ReaderHandoff.IsDelegateFormPath(state.Back)
            ? $"{state.Back}?delegato={sealedReading}" // the delegate's card, back to the request form (decision 0046)
            : $"/identifica/lettore?operazione={Uri.EscapeDataString(state.Operation)}&lettura={sealedReading}";
        return Page();
    }
}
