using System.Text.Json;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Cms.Web.Services;

/// <summary>
/// "Recupera dati delegato" on a request form [M 2.4.1, decision 0046]: the form, as typed so far, waits in the (encrypted) temp-data
/// cookie while the delegate's card is read on the desk's bridge; back on the form, it is restored and the delegate filled in from
/// the sealed reading — opened only in the session that asked for it, and only for the form it was asked from. The kept form is
/// tied to the operator's session as the reading is: on a shared desk (one browser, one temp-data cookie) the next operator who
/// opens the same form gets an empty form, never what the previous one typed.
/// </summary>
public static class DelegateReadings
{
    private static string Key(string path) => "delegate-form:" + path;

    /// <summary>What waits in temp data: the form and the fingerprint of the session that kept it.</summary>
    private sealed record Kept(string Session, CodeRequestForm Form);

    /// <summary>Keeps the form and sends the operator to the delegate's card reader page.</summary>
    public static IActionResult Start(PageModel page, CodeRequestForm form)
    {
        string path = page.Request.Path;
        if (!ReaderHandoff.IsDelegateFormPath(path)) return new BadRequestResult();
        page.TempData[Key(path)] = JsonSerializer.Serialize(new Kept(ReaderHandoff.SessionOf(page.User), form));
        return new RedirectResult($"/identifica/delegato?torna={Uri.EscapeDataString(path)}");
    }

    /// <summary>
    /// The form kept when the reading started, if the operator who kept it comes back to it. Reading it takes it out of temp data
    /// whoever reads it, so another session's form is dropped, not shown.
    /// </summary>
    public static CodeRequestForm? Restore(PageModel page)
    {
        try
        {
            return page.TempData[Key(page.Request.Path)] is string json && JsonSerializer.Deserialize<Kept>(json) is { } kept
                && ReaderHandoff.IsSessionOf(kept.Session, page.User)
                ? kept.Form
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Fills the delegate in from the sealed reading, or says why it cannot.</summary>
    public static void Apply(PageModel page, ReaderHandoff handoff, string? sealedReading, CodeRequestForm form)
    {
        if (sealedReading is null) return;
        // Only a delegate's card read for this very form: a reading made for identification is not a delegate's.
        if (handoff.OpenDelegateReading(sealedReading, page.User, page.Request.Path) is { } reading)
            form.ApplyDelegateCard(reading.Chip);
        else
            page.ModelState.AddModelError("", "La lettura della tessera del delegato è scaduta o non è valida: premere di nuovo «Recupera dati delegato».");
    }
}
