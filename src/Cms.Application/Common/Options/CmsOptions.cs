using Cms.Domain.Common;
using Cms.Domain.Administration;

namespace Cms.Application.Common.Options;

/// <summary>Settings of this Cms instance (section <c>Cms</c>).</summary>
public sealed class CmsOptions
{
    public const string Section = "Cms";

    /// <summary>The region this instance runs for (3-digit code, e.g. 090 Toscana).</summary>
    public string Region { get; set; } = "090";

    /// <summary>Region code → name; the code sits in digits 8–10 of a card number.</summary>
    public Dictionary<string, string> Issuers { get; set; } = new()
    {
        ["010"] = "Piemonte", ["020"] = "Valle d'Aosta", ["030"] = "Lombardia", ["041"] = "P.A. Bolzano",
        ["042"] = "P.A. Trento", ["050"] = "Veneto", ["060"] = "Friuli Venezia Giulia", ["070"] = "Liguria",
        ["080"] = "Emilia-Romagna", ["090"] = "Toscana", ["100"] = "Umbria", ["110"] = "Marche",
        ["120"] = "Lazio", ["130"] = "Abruzzo", ["140"] = "Molise", ["150"] = "Campania", ["160"] = "Puglia",
        ["170"] = "Basilicata", ["180"] = "Calabria", ["190"] = "Sicilia", ["200"] = "Sardegna",
    };

    /// <summary>Whether suspension / reactivation is enabled [S 9.5–9.6]; Toscana removed it.</summary>
    public bool SuspensionEnabled { get; set; }

    public CodeLengthOptions Codes { get; set; } = new();

    /// <summary>The digital-signature certificate [S 7]: who issues it, as the request form names it.</summary>
    public SignatureOptions Signature { get; set; } = new();

    /// <summary>How long a counter request may stay PENDING before it expires.</summary>
    public int PendingRequestMinutes { get; set; } = 30;

    /// <summary>How long a password is valid before it must be changed.</summary>
    public int PasswordMaxAgeDays { get; set; } = 90;

    /// <summary>How long an operator's session lives (section <c>Cms:Sessions</c>) [ASVS 3.3.2].</summary>
    public SessionOptions Sessions { get; set; } = new();

    /// <summary>The back-off of wrong passwords per account and source address (decision 0031).</summary>
    public SignInThrottleOptions SignIn { get; set; } = new();
    /// <summary>The recipient proof before a confirm that releases codes (issue 24, decision 0036).</summary>
    public RecipientProofOptions RecipientProof { get; set; } = new();

    /// <summary>The check of the address that receives the second halves (section <c>Cms:Recipients</c>, decision 0034).</summary>
    public RecipientOptions Recipients { get; set; } = new();

    /// <summary>Which counters may work in interoperability (section <c>Cms:Interop</c>, decision 0038).</summary>
    public InteropPolicyOptions Interop { get; set; } = new();

    /// <summary>Who reads a person's history at a counter, and for how long after identifying them (section <c>Cms:History</c>, decision 0040).</summary>
    public HistoryOptions History { get; set; } = new();

    /// <summary>Which identity documents the counter accepts beyond the valid ones (section <c>Cms:Documents</c>, decision 0044).</summary>
    public DocumentPolicyOptions Documents { get; set; } = new();
}

/// <summary>
/// Section <c>Cms:Documents</c>, a region policy. <see cref="AcceptExpiredWithDeclaration"/>: an expired identity document is accepted
/// when the requester declares that its data have not changed since it was issued (art. 45 c. 3 d.p.r. 445/2000), as Toscana's manual
/// allows [TM 8.1.2]. Off by default: the national guide [M 2.3], the operator guide [T 2.2] and Sardegna's manual [S 6.1.2] ask for a
/// valid document.
/// </summary>
public sealed class DocumentPolicyOptions
{
    public bool AcceptExpiredWithDeclaration { get; set; }

    /// <summary>The exceptions of the activation and reprint at the counter under this policy.</summary>
    public Cms.Domain.Requests.SpecialCasesPolicy SpecialCases => new(AcceptExpiredWithDeclaration);
}

/// <summary>
/// Section <c>Cms:History</c> [T 2.7]: a counter operator reads the history of a person only after identifying a card of theirs,
/// for <see cref="IdentifiedWithinMinutes"/> after that identification (decision 0040). Auditors are not bound by it.
/// </summary>
public sealed class HistoryOptions
{
    public int IdentifiedWithinMinutes { get; set; } = 30;
    public TimeSpan IdentifiedWithin => TimeSpan.FromMinutes(IdentifiedWithinMinutes);
}

/// <summary>
/// Section <c>Cms:Interop</c>, a region policy [T 2.11, S 8]: the counter types whose operators may send an operation on another
/// region's card to the issuing region (decision 0038). How requests travel to the peers (retries, timeouts) is the section
/// <c>Interop</c>, outside the region policy.
/// </summary>
public sealed class InteropPolicyOptions
{
    /// <summary>
    /// Counter types by their names in the API (<c>ASL</c>, <c>HOSPITAL</c>, <c>MUNICIPALITY</c>, <c>REGIONAL_OFFICE</c>).
    /// Empty (the default, and all that an empty list in any configuration source binds to): every type but <c>PHARMACY</c>.
    /// <c>PHARMACY</c> is refused at start-up: pharmacies never work in interoperability. (Empty by default: the configuration
    /// binder appends to a list, it never replaces it.)
    /// </summary>
    public List<string> CounterTypes { get; set; } = [];

    /// <summary>The policy in effect. The names are checked at start-up (<see cref="CmsOptionsValidator"/>).</summary>
    public InteropCounterPolicy Policy()
    {
        if (CounterTypes.Count == 0) return InteropCounterPolicy.Default;
        var types = new List<CounterType>();
        foreach (var name in CounterTypes)
            types.Add(CounterTypeNames.TryParse(name, out var type) ? type
                : throw new InvalidOperationException($"Cms:Interop:CounterTypes: '{name}' is not a counter type."));
        return new InteropCounterPolicy(types);
    }

    /// <summary>The refusal of an operator whose counter type the policy does not name (as it reads to the operator).</summary>
    public Cms.Domain.Common.DomainRuleException NotAllowedAtCounter()
    {
        var policy = Policy();
        return new Cms.Domain.Common.DomainRuleException("interop-not-allowed-at-counter",
                "Le richieste in interoperabilità non si fanno da questo sportello: la Regione le consente solo agli sportelli di tipo "
                + string.Join(", ", policy.Types.Select(CounterTypeNames.Label)) + ".", Cms.Domain.Common.RuleKind.Forbidden)
            .With("allowedCounterTypes", policy.Types.Select(CounterTypeNames.Of).ToList());
    }
}

/// <summary>Counter types by the names the API uses (<c>REGIONAL_OFFICE</c>), in settings and in the operators' tokens.</summary>
public static class CounterTypeNames
{
    public static string Of(CounterType type) => System.Text.Json.JsonNamingPolicy.SnakeCaseUpper.ConvertName(type.ToString());

    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<CounterType>().Select(Of)];

    /// <summary>The type's name for the operator (as the web UI names it).</summary>
    public static string Label(CounterType type) => type switch
    {
        CounterType.Asl => "Azienda sanitaria (ASL)",
        CounterType.Hospital => "Azienda ospedaliera",
        CounterType.Municipality => "Comune",
        CounterType.RegionalOffice => "Ufficio regionale",
        CounterType.Pharmacy => "Farmacia",
        _ => Of(type),
    };

    /// <summary>An API name, with surrounding blanks and in any case.</summary>
    public static bool TryParse(string? name, out CounterType type)
    {
        var wanted = name?.Trim();
        foreach (var value in Enum.GetValues<CounterType>())
            if (string.Equals(Of(value), wanted, StringComparison.OrdinalIgnoreCase))
            {
                type = value;
                return true;
            }
        type = default;
        return false;
    }
}

/// <summary>
/// Section <c>Cms:RecipientProof</c>, a region policy: before an activation or reprint (here or in interoperability) is
/// confirmed, a 6-digit code goes to the request's own e-mail or mobile and the holder reads it out to the operator: the
/// person at the counter shows they hold the address the second halves go to.
/// </summary>
public sealed class RecipientProofOptions
{
    public bool Required { get; set; } = true;
    /// <summary>How long a code may be used after it was sent.</summary>
    public int CodeValidMinutes { get; set; } = 10;
    /// <summary>Codes that may be sent for one request (a resend replaces the previous code).</summary>
    public int MaxSends { get; set; } = 3;
    /// <summary>Wrong codes accepted for one request, across resends; then the request must be cancelled and made again.</summary>
    public int MaxWrongTries { get; set; } = 5;
    /// <summary>Codes sent for one card in 24 hours, whatever the request: new requests do not buy more sends (nor more texts to the holder).</summary>
    public int CardDailySends { get; set; } = 9;
    /// <summary>Wrong codes for one card in 24 hours, whatever the request (as the CIP's lock per card).</summary>
    public int CardDailyWrongTries { get; set; } = 10;

    public TimeSpan CodeValidFor => TimeSpan.FromMinutes(CodeValidMinutes);
}

/// <summary>
/// Section <c>Cms:Recipients</c>: an address (normalised) that received second halves of a holder of another household in the
/// last <see cref="SharedWindowDays"/> days is refused at the confirm (<c>recipient-shared</c>) unless a security administrator
/// approved it. Uses older than the window are deleted by a daily job.
/// </summary>
public sealed class RecipientOptions
{
    public int SharedWindowDays { get; set; } = 30;
    /// <summary>An approval without its own end lasts this many days.</summary>
    public int ApprovalDefaultDays { get; set; } = 365;
    /// <summary>When uses older than the window are deleted (cron, UTC).</summary>
    public string RetentionCron { get; set; } = "43 3 * * *";
}

/// <summary>The server-side sessions' timeouts.</summary>
public sealed class SessionOptions
{
    /// <summary>A session with no request for this long ends.</summary>
    public int IdleTimeoutMinutes { get; set; } = 30;
    /// <summary>A session ends this long after the sign-in, whatever the activity: the operator signs in again.</summary>
    public int AbsoluteTimeoutMinutes { get; set; } = 720;
    /// <summary>
    /// The last request is written at most this often per session (not on every request): the idle timeout is exact to
    /// this many seconds.
    /// </summary>
    public int ActivityResolutionSeconds { get; set; } = 60;
    /// <summary>Days a session's row (its address, how it ended) is kept after its absolute end.</summary>
    public int RetentionDays { get; set; } = 90;
    /// <summary>When the retention job runs (cron, UTC).</summary>
    public string RetentionCron { get; set; } = "41 3 * * *";

    public TimeSpan IdleTimeout => TimeSpan.FromMinutes(IdleTimeoutMinutes);
    public TimeSpan AbsoluteTimeout => TimeSpan.FromMinutes(AbsoluteTimeoutMinutes);
    public TimeSpan ActivityResolution => TimeSpan.FromSeconds(ActivityResolutionSeconds);
}

/// <summary>
/// Section <c>Cms:SignIn</c>: after <see cref="FreeFailures"/> wrong passwords in a row from one address, that address waits
/// <see cref="FirstWaitSeconds"/> before its next try on the account, doubled after each further failure up to
/// <see cref="MaxWaitSeconds"/>; a pair quiet for <see cref="ForgetAfterHours"/> starts again.
/// </summary>
public sealed class SignInThrottleOptions
{
    public int FreeFailures { get; set; } = 5;
    public int FirstWaitSeconds { get; set; } = 1;
    public int MaxWaitSeconds { get; set; } = 15 * 60;
    public int ForgetAfterHours { get; set; } = 24;
}

/// <summary>Lengths of the personal codes and how many leading digits go on paper [T 2.2.1].</summary>
public sealed class CodeLengthOptions
{
    public int PinMinLength { get; set; } = 5;
    public int PinMaxLength { get; set; } = 8;
    public int PukLength { get; set; } = 8;
    public int CipLength { get; set; } = 8;
    public int PinPrintedDigits { get; set; } = 2;
    public int PukPrintedDigits { get; set; } = 4;
    public int CipPrintedDigits { get; set; } = 4;
}

/// <summary>The digital-signature certificate [S 7] (section <c>Cms:Signature</c>).</summary>
public sealed class SignatureOptions
{
    /// <summary>The certification authority the counter operator registers the request for (Sardegna: Aruba PEC S.p.A.), printed on the form.</summary>
    public string CertificationAuthorityName { get; set; } = "il certificatore accreditato della Regione";
}
