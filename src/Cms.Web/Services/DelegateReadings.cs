using System.Text.Json;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Cms.Web.Services;

/// <summary>
/// "Recupera dati delegato" on a request form [M 2.4.1, decision 0046]: the form, as typed so far, waits in the (encrypted) temp-data
/// cookie while the delegate's card is read on the desk's bridge; back on the form, it is restored and the delegate filled in from
/// the sealed reading — opened only in the session that asked for it, and only for the form it was asked from.
/// </summary>
public static class DelegateReadings
{
    public const string Operation = "delegato";

    private static string Key(string path) => "delegate-form:" + path;

    /// <summary>Keeps the form and sends the operator to the delegate's card reader page.</summary>
    public static IActionResult Start(PageModel page, CodeRequestForm form)
    {
        string path = page.Request.Path;
        if (!ReaderHandoff.IsDelegateFormPath(path)) return new BadRequestResult();
        page.TempData[Key(path)] = JsonSerializer.Serialize(form);
        return new RedirectResult($"/identifica/delegato?torna={Uri.EscapeDataString(path)}");
    }

    /// <summary>The form kept when the reading started, if the operator comes back to it.</summary>
    public static CodeRequestForm? Restore(PageModel page)
    {
        try
        {
            return page.TempData[Key(page.Request.Path)] is string json ? JsonSerializer.Deserialize<CodeRequestForm>(json) : null;
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
        if (handoff.OpenReading(sealedReading, page.User) is { State.Operation: Operation } reading && reading.State.Back == page.Request.Path)
            form.ApplyDelegateCard(reading.Chip);
        else
            page.ModelState.AddModelError("", "La lettura della tessera del delegato è scaduta o non è valida: premere di nuovo «Recupera dati delegato».");
    }
}
