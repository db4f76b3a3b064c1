namespace Cms.Api.Endpoints;

/// <summary>
/// The optional body of a confirm that releases codes: the recipient-proof code the holder read out, when the region requires
/// the proof (<c>Cms:RecipientProof:Required</c>). No body is the same as no code.
/// </summary>
public sealed record ConfirmCodeReleaseRequest(string? RecipientProof)
{
    public override string ToString() => "ConfirmCodeReleaseRequest { }";
}
