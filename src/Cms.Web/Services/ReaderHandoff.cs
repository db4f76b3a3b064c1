using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Cms.Web.Services;

/// <summary>
/// The round trip through the desk's reader bridge (<c>cms-reader bridge</c>), without scripts and without the sign-in
/// cookie on the way back (it is SameSite=Strict, and the bridge is another site): the reader page sends the bridge an
/// opaque <em>state</em> — the operation and a fingerprint of the operator's session, encrypted and valid for ten minutes;
/// the bridge posts the chip's data back with it; the return page seals state and data together (valid for two minutes)
/// into the address of the reader page, which opens them only in the same operator's session. No personal data travels
/// in clear in an address, and nothing is kept on the server.
/// </summary>
public sealed partial class ReaderHandoff(IDataProtectionProvider provider)
{
    public static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan ReadingLifetime = TimeSpan.FromMinutes(2);

    private readonly ITimeLimitedDataProtector states = provider.CreateProtector("Cms.Web.ReaderHandoff.State.v1").ToTimeLimitedDataProtector();
    private readonly ITimeLimitedDataProtector readings = provider.CreateProtector("Cms.Web.ReaderHandoff.Reading.v1").ToTimeLimitedDataProtector();

    /// <param name="Back">
    /// Where the reading goes back to, a page of this site; null for identification (the reader page). The delegate's card
    /// ("Recupera dati delegato") goes back to the request form it was asked from.
    /// </param>
    public sealed record State(string Operation, string Session, string? Back = null);

    public sealed record Reading(State State, ChipData Chip);

    public string NewState(string operation, ClaimsPrincipal user, string? back = null) =>
        states.Protect(JsonSerializer.Serialize(new State(operation, SessionOf(user), back)), StateLifetime);

    /// <summary>The request forms a delegate's card may be read for, and go back to: a new or changed activation or reprint.</summary>
    public static bool IsDelegateFormPath(string? path) => path is not null && DelegateFormPath().IsMatch(path);

    [System.Text.RegularExpressions.GeneratedRegex("^/(attivazione|ristampa)/(nuova/[0-9]{20}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/modifica)$")]
    private static partial System.Text.RegularExpressions.Regex DelegateFormPath();

    public State? OpenState(string? value) => Open<State>(states, value);

    public string Seal(State state, ChipData chip) => readings.Protect(JsonSerializer.Serialize(new Reading(state, chip)), ReadingLifetime);

    /// <summary>
    /// The sealed reading of the holder's card for identification, if it is intact, not stale, made for this operator's session
    /// and asked for by the reader page: a state without a form to go back to, for one of identification's operations. A reading
    /// of a delegate's card ("Recupera dati delegato") does not identify a card (decision 0046).
    /// </summary>
    public Reading? OpenIdentificationReading(string? value, ClaimsPrincipal user, Func<string, bool> isOperation) =>
        OpenReading(value, user) is { State.Back: null } reading && isOperation(reading.State.Operation) ? reading : null;

    /// <summary>
    /// The sealed reading of a delegate's card, if it is intact, not stale, made for this operator's session and asked for from
    /// the request form at <paramref name="formPath"/>: a reading made for identification is not a delegate's (decision 0046).
    /// </summary>
    public Reading? OpenDelegateReading(string? value, ClaimsPrincipal user, string formPath) =>
        IsDelegateFormPath(formPath) && OpenReading(value, user) is { State.Operation: DelegateOperation } reading
        && string.Equals(reading.State.Back, formPath, StringComparison.Ordinal) ? reading : null;

    /// <summary>The operation a delegate's card is read for; the state names the form to go back to.</summary>
    public const string DelegateOperation = "delegato";

    /// <summary>The sealed reading, if it is intact, not stale and made for this operator's session (whatever it was made for).</summary>
    private Reading? OpenReading(string? value, ClaimsPrincipal user) =>
        Open<Reading>(readings, value) is { } reading && IsSessionOf(reading.State.Session, user) ? reading : null;

    /// <summary>Whether <paramref name="session"/> (a <see cref="SessionOf"/> fingerprint) is this operator's session.</summary>
    public static bool IsSessionOf(string? session, ClaimsPrincipal user) =>
        session is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(session), Encoding.ASCII.GetBytes(SessionOf(user)));

    private static T? Open<T>(ITimeLimitedDataProtector protector, string? value) where T : class
    {
        if (string.IsNullOrEmpty(value) || value.Length > 8192) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(protector.Unprotect(value));
        }
        catch (Exception e) when (e is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    /// <summary>A fingerprint of the session: the hash of the API token inside the sign-in cookie (never the token).</summary>
    public static string SessionOf(ClaimsPrincipal user) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(user.FindFirstValue(CmsApi.TokenClaim) ?? "")));
}
