using Microsoft.Extensions.Options;

namespace Cms.Application.Common.Options;

/// <summary>The region's settings are checked at start-up: a bad one stops the start with a message naming it.</summary>
public sealed class CmsOptionsValidator : IValidateOptions<CmsOptions>
{
    public ValidateOptionsResult Validate(string? name, CmsOptions o)
    {
        var problems = new List<string>();
        if (!o.Issuers.ContainsKey(o.Region))
            problems.Add($"Cms:Region '{o.Region}' is not one of the issuers in Cms:Issuers.");
        foreach (var (code, _) in o.Issuers)
            if (code.Length != 3 || !code.All(char.IsAsciiDigit)) problems.Add($"Cms:Issuers key '{code}' must be a 3-digit region code.");
        var c = o.Codes;
        if (c.PinMinLength < 5 || c.PinMaxLength > 8 || c.PinMinLength > c.PinMaxLength)
            problems.Add("Cms:Codes: the PIN of a CNS chip has 5 to 8 digits (PinMinLength ≤ PinMaxLength).");
        if (c.PinPrintedDigits < 1 || c.PinPrintedDigits >= c.PinMinLength)
            problems.Add("Cms:Codes:PinPrintedDigits must leave at least one digit of the shortest PIN to send.");
        if (c.PukLength < 4 || c.PukPrintedDigits < 1 || c.PukPrintedDigits >= c.PukLength)
            problems.Add("Cms:Codes: PukPrintedDigits must be between 1 and PukLength - 1.");
        if (c.CipLength < 4 || c.CipPrintedDigits < 1 || c.CipPrintedDigits >= c.CipLength)
            problems.Add("Cms:Codes: CipPrintedDigits must be between 1 and CipLength - 1.");
        if (o.PendingRequestMinutes is < 1 or > 24 * 60) problems.Add("Cms:PendingRequestMinutes must be between 1 and 1440.");
        if (o.PasswordMaxAgeDays is < 1 or > 3650) problems.Add("Cms:PasswordMaxAgeDays must be between 1 and 3650.");
        if (o.Sessions.IdleTimeoutMinutes is < 1 or > 24 * 60) problems.Add("Cms:Sessions:IdleTimeoutMinutes must be between 1 and 1440.");
        if (o.Sessions.AbsoluteTimeoutMinutes < o.Sessions.IdleTimeoutMinutes || o.Sessions.AbsoluteTimeoutMinutes > 7 * 24 * 60)
            problems.Add("Cms:Sessions:AbsoluteTimeoutMinutes must be at least Cms:Sessions:IdleTimeoutMinutes and at most 10080 (7 days).");
        if (o.Sessions.ActivityResolutionSeconds < 0 || o.Sessions.ActivityResolutionSeconds * 4 > o.Sessions.IdleTimeoutMinutes * 60)
            problems.Add("Cms:Sessions:ActivityResolutionSeconds must be between 0 and a quarter of the idle timeout.");
        if (o.Sessions.RetentionDays is < 1 or > 3650) problems.Add("Cms:Sessions:RetentionDays must be between 1 and 3650.");
        if (o.SignIn.FreeFailures is < 1 or > 100) problems.Add("Cms:SignIn:FreeFailures must be between 1 and 100.");
        if (o.SignIn.FirstWaitSeconds < 1 || o.SignIn.MaxWaitSeconds < o.SignIn.FirstWaitSeconds || o.SignIn.MaxWaitSeconds > 24 * 3600)
            problems.Add("Cms:SignIn: FirstWaitSeconds must be at least 1 and MaxWaitSeconds between it and 86400.");
        if (o.SignIn.ForgetAfterHours is < 1 or > 24 * 30) problems.Add("Cms:SignIn:ForgetAfterHours must be between 1 and 720.");
        if (o.History.IdentifiedWithinMinutes is < 1 or > 24 * 60) problems.Add("Cms:History:IdentifiedWithinMinutes must be between 1 and 1440.");
        if (o.RecipientProof.CodeValidMinutes is < 1 or > 60) problems.Add("Cms:RecipientProof:CodeValidMinutes must be between 1 and 60.");
        if (o.RecipientProof.MaxSends is < 1 or > 10) problems.Add("Cms:RecipientProof:MaxSends must be between 1 and 10.");
        if (o.RecipientProof.MaxWrongTries is < 1 or > 10) problems.Add("Cms:RecipientProof:MaxWrongTries must be between 1 and 10.");
        if (o.RecipientProof.CardDailySends < o.RecipientProof.MaxSends || o.RecipientProof.CardDailySends > 100)
            problems.Add("Cms:RecipientProof:CardDailySends must be between Cms:RecipientProof:MaxSends and 100.");
        if (o.RecipientProof.CardDailyWrongTries < o.RecipientProof.MaxWrongTries || o.RecipientProof.CardDailyWrongTries > 100)
            problems.Add("Cms:RecipientProof:CardDailyWrongTries must be between Cms:RecipientProof:MaxWrongTries and 100.");
        if (o.Recipients.SharedWindowDays is < 1 or > 366) problems.Add("Cms:Recipients:SharedWindowDays must be between 1 and 366.");
        if (o.Recipients.ApprovalDefaultDays is < 1 or > 3 * 366) problems.Add("Cms:Recipients:ApprovalDefaultDays must be between 1 and 1098.");
        if (string.IsNullOrWhiteSpace(o.Signature.CertificationAuthorityName) || o.Signature.CertificationAuthorityName.Length > 120)
            problems.Add("Cms:Signature:CertificationAuthorityName must be 1 to 120 characters.");
        foreach (var typeName in o.Interop.CounterTypes)
        {
            if (!CounterTypeNames.TryParse(typeName, out var type))
                problems.Add($"Cms:Interop:CounterTypes: '{typeName}' is not a counter type (one of {string.Join(", ", CounterTypeNames.All)})."
                    + (typeName?.Trim().Equals("URP", StringComparison.OrdinalIgnoreCase) == true
                        ? " An URP is the office of its body: REGIONAL_OFFICE for the region's, MUNICIPALITY for a municipality's." : ""));
            else if (type == Cms.Domain.Common.CounterType.Pharmacy)
                problems.Add("Cms:Interop:CounterTypes: PHARMACY may not work in interoperability [T 2.11, S 8].");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
