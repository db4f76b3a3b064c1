using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cms.Web.Pages.Cittadino;

/// <summary>
/// "Attivazione nuova tessera TS/CNS" [C §2], the guide's three steps without a script (decision 0047): 1 Inserimento dati (the
/// new card's last 6 digits and expiry date), 2 Conferma dati (the API checks every rule with <c>confirmed=false</c> and answers
/// <c>confirmation-required</c> with the card about to be activated: nothing is activated yet), 3 Attivazione carta (only after
/// "Conferma": the API activates the card and answers the whole codes once). The codes are written into the answer to that POST
/// alone — no redirect, nothing kept on this side, <c>Cache-Control: no-store</c>. "Conferma" carries the one-use key drawn with its
/// form: sent again (a double click, a reload, "Verifica esito" after a timeout) within 10 minutes from the same certificate, the
/// API replays its first answer; later, it finds the card already active. The summary PDF is in the page itself (a data: link).
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed partial class AttivazioneModel(CitizenCertificate certificates, IHttpClientFactory factory) : PageModel
{
    public const string ConfirmationText =
        "Confermo la correttezza dei dati e la richiesta di attivazione della tessera TS/CNS, con il rilascio dei relativi codici PIN, PUK e CIP";

    public sealed class RenewalForm
    {
        public string? NewCardLast6 { get; set; }
        public string? NewCardExpiryDate { get; set; }
        public bool Confirm { get; set; }
        /// <summary>The one-use key drawn when "Conferma dati" is shown, sent with "Conferma" as <c>Idempotency-Key</c>.</summary>
        public string? Key { get; set; }
    }

    /// <summary>What "Conferma dati" shows: the citizen's own data and the card about to be activated (from the API's answer).</summary>
    public sealed record Preview(string CardNumber, string ExpiryDate, string CodiceFiscale, string Surname, string GivenName, string BirthDate);

    [BindProperty] public RenewalForm Input { get; set; } = new();
    public bool Enabled => certificates.Enabled;
    public bool SignedIn { get; private set; }
    /// <summary>A certificate was presented and the API refused it (expired, revoked, not of a TS-CNS).</summary>
    public bool CertificateRefused { get; private set; }
    public int Step { get; private set; } = 1;
    public Preview? ToConfirm { get; private set; }
    public Renewal? Done { get; private set; }
    public bool Cancelled { get; private set; }
    /// <summary>
    /// The "Conferma" got no answer (timeout, connection lost, server error, the same request still running): the card may have
    /// been activated. The page offers "Verifica esito", the same request with the same key, which gets the first answer again.
    /// </summary>
    public bool Uncertain { get; private set; }

    public const string UncertainText = "La richiesta potrebbe essere stata eseguita: verificare l'esito con «Verifica esito» entro 10 minuti, " +
        "senza chiudere questa pagina. Se la tessera risulta già attiva e i codici non sono stati mostrati, rivolgersi a uno sportello.";

    public async Task OnGetAsync(CancellationToken ct) => await SignInAsync(ct);

    /// <summary>Step 1 → 2: the data are checked, nothing is activated.</summary>
    public async Task<IActionResult> OnPostVerificaAsync(CancellationToken ct)
    {
        var certificate = await SignInAsync(ct);
        if (certificate is null) return Page();
        await CheckAsync(certificate, ct);
        return Page();
    }

    /// <summary>Step 2 → 3: only with the box ticked is the card activated and are the codes shown, once.</summary>
    public async Task<IActionResult> OnPostConfermaAsync(CancellationToken ct)
    {
        var certificate = await SignInAsync(ct);
        if (certificate is null) return Page();
        if (!Input.Confirm)
        {
            if (await CheckAsync(certificate, ct))
                ModelState.AddModelError("Input.Confirm", "Per attivare la tessera occorre confermare la correttezza dei dati.");
            return Page();
        }
        // The key drawn with the confirmation form: a second "Conferma" (a double click, a reload, "Verifica esito") gets the first
        // answer, the codes, again — from the API, for this certificate only, for a few minutes. A form without one runs once.
        var key = Input.Key is { } k && KeyPattern().IsMatch(k) ? k : null;
        try
        {
            Done = await certificates.Client(factory, certificate, key).RenewCardAsync(Command(confirmed: true), ct);
            Step = 3;
        }
        catch (CmsApiException e) when (e.StatusCode >= 500 || Problems.Rule(e) == "idempotency-request-in-progress")
        {
            // The activation may have been done (or is being done): never "failed", never a 500.
            Unsure(key);
        }
        catch (CmsApiException e)
        {
            Refused(e);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException)
        {
            // Timeout (TaskCanceledException), connection lost, an answer not understood: the card may be active already.
            Unsure(key);
        }
        return Page();
    }

    private void Unsure(string? key)
    {
        Step = 2;
        Uncertain = true;
        Input.Key = key;
        Input.Confirm = true;
        ModelState.Clear();
        ModelState.AddModelError("", UncertainText);
    }

    private static string NewKey() => "cittadino-" + Guid.NewGuid().ToString("N");

    [System.Text.RegularExpressions.GeneratedRegex("^cittadino-[0-9a-f]{32}$")]
    private static partial System.Text.RegularExpressions.Regex KeyPattern();

    /// <summary>"Annulla" on the confirmation: back to step 1 with the data typed, nothing activated.</summary>
    public async Task<IActionResult> OnPostAnnullaAsync(CancellationToken ct)
    {
        Cancelled = await SignInAsync(ct) is not null;
        ModelState.Clear();
        return Page();
    }

    private RenewalInput Command(bool confirmed) => new()
    {
        NewCardLast6 = Input.NewCardLast6?.Trim(), NewCardExpiryDate = Input.NewCardExpiryDate?.Trim(), Confirmed = confirmed,
    };

    /// <summary>The API checks every rule without activating: its "confirmation-required" is the "Conferma dati" step.</summary>
    private async Task<bool> CheckAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, CancellationToken ct)
    {
        try
        {
            await certificates.Client(factory, certificate).RenewCardAsync(Command(confirmed: false), ct);
            // Never activates without confirmed=true; an API that did would be a defect: say nothing of codes here.
            ModelState.AddModelError("", "Risposta inattesa del servizio: riprovare.");
            return false;
        }
        catch (CmsApiException e) when (Problems.Rule(e) == "confirmation-required" && e is CmsApiException<Problem> problem
            && PreviewOf(problem.Result.AdditionalProperties) is { } preview)
        {
            ToConfirm = preview;
            Step = 2;
            Input.Key = NewKey();
            ModelState.Remove("Input.Key");
            return true;
        }
        catch (CmsApiException e)
        {
            Refused(e);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException)
        {
            ModelState.AddModelError("", Problems.Unavailable);
        }
        return false;
    }

    private void Refused(CmsApiException e)
    {
        Step = 1;
        if (e.StatusCode == StatusCodes.Status401Unauthorized)
        {
            SignedIn = false;
            CertificateRefused = true;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            ViewData["CittadinoUtente"] = null;
            return;
        }
        Problems.AddTo(ModelState, e);
    }

    private static Preview? PreviewOf(IDictionary<string, object> extensions)
    {
        static string? Text(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (!extensions.TryGetValue("cardNumber", out var n) || n is not JsonElement number || number.ValueKind != JsonValueKind.String
            || !extensions.TryGetValue("expiryDate", out var x) || x is not JsonElement expiry || expiry.ValueKind != JsonValueKind.String
            || !extensions.TryGetValue("holder", out var h) || h is not JsonElement holder)
            return null;
        return new Preview(number.GetString()!, Shown(expiry.GetString()), Text(holder, "codiceFiscale") ?? "", Text(holder, "surname") ?? "",
            Text(holder, "givenName") ?? "", Shown(Text(holder, "birthDate")));
    }

    /// <summary>2031-02-28 → 28/02/2031, as the guide writes dates.</summary>
    public static string Shown(string? isoDate) =>
        DateOnly.TryParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? Shown(d) : isoDate ?? "";

    public static string Shown(DateOnly date) => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>The request's certificate, owned by the connection (not disposed here) — every step: there is no citizen session to keep); the page says how to enter without one.</summary>
    private async Task<System.Security.Cryptography.X509Certificates.X509Certificate2?> SignInAsync(CancellationToken ct)
    {
        var certificate = await certificates.CurrentAsync(ct);
        SignedIn = certificate is not null;
        ViewData["CittadinoUtente"] = certificate is null ? null : CitizenCertificate.CodiceFiscaleShown(certificate);
        if (certificate is null) Response.StatusCode = Enabled ? StatusCodes.Status401Unauthorized : StatusCodes.Status404NotFound;
        return certificate;
    }
}
