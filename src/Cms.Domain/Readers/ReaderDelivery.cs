using Cms.Domain.Common;
using Cms.Domain.Requests;

namespace Cms.Domain.Readers;

/// <summary>Whom the regional limit of readers counts: the household (the seeds' rule) or each holder.</summary>
public enum ReaderLimitScope
{
    Household,
    Holder,
}

/// <summary>
/// Handing a smart-card reader to the holder of an active card [T 2.6]. One per household: beyond the region's limit only
/// with an explicit override and its reason. The Modulo di richiesta e consegna lettore is printed before the confirm.
/// </summary>
public sealed class ReaderDelivery : CounterRequest
{
    private ReaderDelivery() { }

    public ReaderDelivery(Guid id, string cardNumber, string holderCodiceFiscale, string? householdId, Guid operatorId, string counterCode,
        DateTimeOffset now, TimeSpan pendingFor, string? overrideReason, string? readerSerial)
        : base(id, cardNumber, holderCodiceFiscale, operatorId, counterCode, now)
    {
        HouseholdId = string.IsNullOrWhiteSpace(householdId) ? null : householdId;
        Apply(overrideReason, readerSerial, now, pendingFor);
    }

    /// <summary>The holder's household when the registry knows it, as it was at the request.</summary>
    public string? HouseholdId { get; private set; }
    /// <summary>Why a further reader is handed to a household that already had its own (null when within the limit).</summary>
    public string? OverrideReason { get; private set; }
    public string? ReaderSerial { get; private set; }
    public DateTimeOffset? FormPrintedAt { get; private set; }

    public void Modify(string? overrideReason, string? readerSerial, DateTimeOffset now, TimeSpan pendingFor)
    {
        EnsurePending(now);
        Apply(overrideReason, readerSerial, now, pendingFor);
        FormPrintedAt = null;
    }

    public void MarkFormPrinted(DateTimeOffset now)
    {
        if (StatusAt(now) == RequestStatus.Pending) FormPrintedAt = now;
    }

    public void Confirm(DateTimeOffset now, bool formPrintedAndSigned, ReaderCount already, int limit)
    {
        EnsurePending(now);
        if (FormPrintedAt is null)
            throw new DomainRuleException("reader-form-not-printed",
                "Solo dopo aver stampato il modulo di richiesta e consegna del lettore è possibile confermare la consegna.", RuleKind.Conflict);
        if (!formPrintedAndSigned)
            throw new DomainRuleException("form-signature-not-acknowledged", "Confermare di aver letto e stampato il modulo e di averlo fatto firmare.");
        EnsureWithinLimit(already, limit, OverrideReason);
        CompleteAt(now);
    }

    /// <summary>Beyond the limit only with an override; the problem carries the counts the operator needs.</summary>
    public static void EnsureWithinLimit(ReaderCount already, int limit, string? overrideReason)
    {
        if (already.Counted < limit || !string.IsNullOrWhiteSpace(overrideReason)) return;
        throw new DomainRuleException("reader-already-delivered",
                $"{already.Message} La consegna è prevista una per {(already.Scope == ReaderLimitScope.Household ? "nucleo familiare" : "titolare")}: " +
                "per consegnarne un altro indicare il motivo della deroga.", RuleKind.Conflict)
            .With("holderReaders", already.Holder)
            .With("householdReaders", already.Household)
            .With("lastDeliveredAt", already.LastDeliveredAt)
            .With("overrideAllowed", true);
    }

    private void Apply(string? overrideReason, string? readerSerial, DateTimeOffset now, TimeSpan pendingFor)
    {
        OverrideReason = string.IsNullOrWhiteSpace(overrideReason) ? null : overrideReason.Trim();
        ReaderSerial = string.IsNullOrWhiteSpace(readerSerial) ? null : readerSerial.Trim();
        Touch(now, pendingFor);
    }
}

/// <summary>The readers already handed over: to the holder, to the household (when known), the last one's date.</summary>
public sealed record ReaderCount(ReaderLimitScope Scope, int Holder, int? Household, DateTimeOffset? LastDeliveredAt)
{
    /// <summary>What the limit counts: the household when known, else the holder.</summary>
    public int Counted => Scope == ReaderLimitScope.Household && Household is { } h ? h : Holder;

    public string Message => Counted == 0 && Holder == 0
        ? "Non risultano lettori consegnati."
        : $"Risultano consegnati {Holder} lettori al titolare" + (Household is { } h ? $" e {h} al nucleo familiare" : "") +
          (LastDeliveredAt is { } at ? $"; l'ultimo in data {at:dd/MM/yyyy HH:mm} UTC." : ".");
}
