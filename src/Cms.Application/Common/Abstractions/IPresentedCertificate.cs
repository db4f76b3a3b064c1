namespace Cms.Application.Common.Abstractions;

/// <summary>
/// The client certificate the caller signed in with (smart-card sign-in, citizen renewal), already validated by the host
/// (chain, validity, revocation): its serial and issuer, normalised as the card feed's (decision 0032). Null without one.
/// </summary>
public interface IPresentedCertificate
{
    (string Serial, string Issuer)? Current { get; }
}
