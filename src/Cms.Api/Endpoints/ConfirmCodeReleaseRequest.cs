namespace Cms.Api.Endpoints;

/// <summary>
/// The body of a confirm that releases codes: the operator's word that the request's forms were printed and signed
/// (<c>formPrintedAndSigned</c>, required when the request has forms: sign before confirm, form-not-printed), and the recipient-proof
/// code the holder read out, when the region requires the proof (<c>Cms:RecipientProof:Required</c>).
/// </summary>
public sealed record ConfirmCodeReleaseRequest(string? RecipientProof, bool? FormPrintedAndSigned = null)
{
    public override string ToString() => "ConfirmCodeReleaseRequest { }";
}
