using Cms.Domain.Reprint.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Requests;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Interop;
using Cms.Domain.Requests;

namespace Cms.Application.Interop.Common;

/// <summary>The holder as the operator reads them from the card and the document (the issuing region checks them).</summary>
public sealed record InteropHolderInput(string? CodiceFiscale, string? Surname, string? GivenName, string? BirthDate);

/// <summary>
/// The body one Cms sends another's inbound interop endpoint: who asks (region, counter), the request id (the key of its
/// idempotency), the card and holder, the person at the counter, where the second halves go, the reason; for a revocation
/// the CIP the holder gave.
/// </summary>
public sealed record InteropInboundBody(
    Guid RequestId, InteropKind Kind, string? OriginRegion, string? OriginCounter, string? CardNumber, InteropHolderInput? Holder,
    RequestMode? Mode, DelegationKind? DelegationKind, DelegateInput? Delegate, DocumentInput? Document, DeliveryInput? Delivery,
    bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived, ReprintReason? Reason, string? ReasonNote,
    Cms.Domain.Revocation.Contracts.RevocationReason? RevocationReason = null, InteropEvidenceInput? Evidence = null, string? Cip = null,
    string? OutsideHealthAuthorityReason = null, DateTimeOffset? RecipientVerifiedAt = null) : IInteropInput
{
    InteropKind? IInteropInput.Kind => Kind;

    public override string ToString() => $"InteropInboundBody {{ RequestId = {RequestId}, Kind = {Kind}, OriginRegion = {OriginRegion} }}";

    /// <summary>The wire name of the CIP field, added to the body only when it is sent (it is never stored with it).</summary>
    public const string CipField = "cip";
}

/// <summary>What an operation on another region's card carries, as the counter fills it in and as the issuing region receives it.</summary>
public interface IInteropInput : IPeopleInput
{
    InteropKind? Kind { get; }
    InteropHolderInput? Holder { get; }
    ReprintReason? Reason { get; }
    string? ReasonNote { get; }
    Cms.Domain.Revocation.Contracts.RevocationReason? RevocationReason { get; }
    InteropEvidenceInput? Evidence { get; }
    string? Cip { get; }
    /// <summary>
    /// A reprint's stated reason for releasing the codes outside the holder's health authority: a counter of another region always
    /// is, so an interop reprint needs it (checked at the sending counter and again by the issuing region).
    /// </summary>
    string? OutsideHealthAuthorityReason { get; }
}

/// <summary>What backs a theft or a loss, for a revocation (as at a counter).</summary>
public sealed record InteropEvidenceInput(Cms.Domain.Revocation.Contracts.LossEvidenceKind? Kind, string? Reference)
{
    public Cms.Domain.Revocation.Contracts.LossEvidence? ToEvidence() => Kind is { } kind ? new(kind, Reference) : null;
}

/// <summary>What the issuing region answers: what it did, and for codes the first halves for the counter's print.</summary>
public sealed record InteropInboundAnswer(
    Guid RequestId, InteropKind Kind, Guid LocalRequestId, string CardNumber, CardState CardState, DateOnly CardExpiryDate,
    CodeParts? FirstHalves, Guid? DeliveryId)
{
    public override string ToString() => $"InteropInboundAnswer {{ RequestId = {RequestId}, Kind = {Kind}, CardState = {CardState} }}";
}

/// <summary>An interop request as the counter follows it.</summary>
public sealed record InteropRequestView(
    Guid Id, InteropKind Kind, InteropStatus Status, string CardNumber, string TargetRegion, string? TargetRegionName,
    InteropHolderInput Holder, RequestMode? Mode, DeliveryView? Delivery, string CounterCode, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, DateTimeOffset? ConfirmedAt, DateTimeOffset? CompletedAt, int Attempts, DateTimeOffset? NextAttemptAt,
    string? LastError, InteropRefusal? Refusal, Guid? PeerRequestId, DateOnly? CardExpiryDate, IReadOnlyList<string> Documents,
    string? OutsideHealthAuthorityReason, DateTimeOffset? CodesPrintedAt, bool RecipientProofRequired, IReadOnlyList<string> FormsPrinted);

/// <summary>The issuing region's refusal: its rule and its words.</summary>
public sealed record InteropRefusal(string Rule, string Detail);

/// <summary>The peer secrets, sealed under the code key ring (bound to the region), opened only to sign or verify.</summary>
public sealed class PeerSecrets(ICodeCipher cipher)
{
    public (string KeyId, byte[] Ciphertext) Seal(string region, string secret) =>
        cipher.SealBytes(System.Text.Encoding.UTF8.GetBytes(secret), Context(region));

    public byte[] Open(Peer peer) => cipher.OpenBytes(peer.SecretKeyId!, peer.SecretCiphertext!, Context(peer.RegionCode));

    public static string Context(string region) => "interop-peer-secret:" + region;
}
