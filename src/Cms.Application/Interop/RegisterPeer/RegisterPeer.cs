using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Interop.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Interop;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Interop.RegisterPeer;

/// <summary>
/// A security administrator registers (or changes) a peer region: its name, where its Cms answers, whether it is enabled, and
/// what it is trusted by under the ModI profile (decision 0059): the certificates its signatures must chain to (its own,
/// pinned, or its CA's, then with the subject of its signing certificate) and, when the regions use PDND, its client id there.
/// The shared secret of the HMAC scheme is deprecated: kept (sealed) only for Interop:LegacyHmac, never shown again.
/// </summary>
public sealed record RegisterPeerCommand(string? RegionCode, string? Name, string? BaseUrl, string? Secret, bool? Enabled,
    string? Certificates = null, string? CertificateSubject = null, string? PdndClientId = null)
    : ICommand<PeerView>, IAuditedMessage
{
    public OperationType OperationType => OperationType.OperatorManagement;
    public override string ToString() => $"RegisterPeerCommand {{ RegionCode = {RegionCode}, BaseUrl = {BaseUrl}, Enabled = {Enabled} }}";
}

/// <summary>A peer as administrators see it: never its secret; its certificates by subject, issuer, expiry and fingerprint.</summary>
public sealed record PeerView(string RegionCode, string? RegionName, string Name, string BaseUrl, bool Enabled, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, IReadOnlyList<PeerCertificateView>? Certificates = null, string? CertificateSubject = null,
    string? PdndClientId = null, bool LegacySecret = false);

/// <summary>One registered certificate: a CA (then the subject is checked) or the region's own, pinned.</summary>
public sealed record PeerCertificateView(string Subject, string Issuer, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Sha256,
    bool CertificateAuthority);

public sealed class RegisterPeerValidator : AbstractValidator<RegisterPeerCommand>
{
    public const int MinSecretLength = 32;

    public RegisterPeerValidator(IOptions<CmsOptions> options)
    {
        RuleFor(c => c.RegionCode).NotEmpty().Must(r => r is not null && options.Value.Issuers.ContainsKey(r))
            .WithErrorCode("unknown-region").WithMessage("Codice di Regione non previsto.")
            .NotEqual(options.Value.Region).WithErrorCode("peer-is-this-region").WithMessage("La Regione di questo CMS non è un'altra Regione.");
        RuleFor(c => c.Name).NotEmpty().MaximumLength(100);
        RuleFor(c => c.BaseUrl).NotEmpty().MaximumLength(300)
            .Must(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.UserInfo)
                && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment))
            .WithErrorCode("invalid-url").WithMessage("Indirizzo non valido: http(s)://host[:porta].");
        RuleFor(c => c.Secret).MinimumLength(MinSecretLength).MaximumLength(200)
            .WithMessage($"Il segreto condiviso deve avere almeno {MinSecretLength} caratteri.").When(c => c.Secret is not null);
        RuleFor(c => c.Enabled).NotNull();
        RuleFor(c => c.Certificates).MaximumLength(PeerCertificates.MaxPemLength)
            .Must(pem => PeerCertificates.Parse(pem, out _) is not null)
            .WithErrorCode("invalid-certificate").WithMessage("Certificati non leggibili: uno o più certificati X.509 in PEM, senza chiave privata, " +
                "ciascuno il certificato di firma della Regione oppure una CA radice.")
            .When(c => c.Certificates is not null);
        RuleFor(c => c.CertificateSubject).MaximumLength(500)
            .Must(BeDistinguishedName).WithErrorCode("invalid-certificate-subject")
            .WithMessage("Soggetto non valido: un nome distinto X.500 (es. CN=cms.regione.example, O=Regione, C=IT).")
            .When(c => c.CertificateSubject is not null);
        RuleFor(c => c.PdndClientId).MaximumLength(100).Matches("^[A-Za-z0-9._:-]+$").When(c => c.PdndClientId is not null);
    }

    private static bool BeDistinguishedName(string? name)
    {
        try
        {
            return name is not null && new System.Security.Cryptography.X509Certificates.X500DistinguishedName(name).RawData.Length > 2;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}

public sealed class RegisterPeerHandler(
    IInteropData db, PeerSecrets secrets, IOptions<CmsOptions> options, TransportSecurity transport, TimeProvider clock, AuditScope audit)
    : ICommandHandler<RegisterPeerCommand, PeerView>
{
    public async ValueTask<PeerView> Handle(RegisterPeerCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var region = command.RegionCode!;
        audit.Detail = $"peer {region}";
        // A peer exchange carries first halves and CIPs: outside Development only over TLS (decision 0032).
        if (!transport.Allows(command.BaseUrl!.Trim()))
            throw new DomainRuleException("peer-url-not-https",
                "L'indirizzo della Regione collegata deve iniziare con https://: gli scambi portano le prime metà dei codici e i CIP.")
                .With("baseUrl", command.BaseUrl.Trim());
        var peer = await db.Peers.SingleOrDefaultAsync(p => p.RegionCode == region, cancellationToken);
        if (peer is null && command.Certificates is null && command.Secret is null)
            throw new DomainRuleException("peer-certificate-required",
                "Per una nuova Regione collegata serve il suo certificato di firma (o la sua CA con il soggetto del certificato), in PEM.");
        if (command.Certificates is not null)
        {
            var bundle = PeerCertificates.Parse(command.Certificates, out _)!;
            // A CA may certify other regions too: the subject of this region's certificate is then what tells them apart.
            if (bundle.Any(PeerCertificates.IsCa) && command.CertificateSubject is null)
                throw new DomainRuleException("peer-certificate-subject-required",
                    "È registrata una CA: indicare anche il soggetto del certificato di firma della Regione, che la CA può rilasciare ad altri.");
        }
        if (peer is null)
        {
            peer = new Peer(region, command.Name!.Trim(), command.BaseUrl!.Trim(), command.Enabled!.Value, now);
            db.Peers.Add(peer);
        }
        else
        {
            peer.Update(command.Name!.Trim(), command.BaseUrl!.Trim(), command.Enabled!.Value, now);
        }
        if (command.Certificates is not null)
        {
            peer.Trust(command.Certificates.Trim(),
                command.CertificateSubject is null ? null : PeerCertificates.Normalise(command.CertificateSubject), command.PdndClientId?.Trim());
            audit.Detail += " certificates=" + string.Join(",", PeerCertificates.Parse(command.Certificates, out _)!
                .Select(c => Convert.ToHexStringLower(c.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256))[..16]));
        }
        if (command.Secret is not null)
        {
            // Deprecated: only for a peer without certificates (registering them erased its secret and closed the HMAC door).
            if (peer.TrustCertificates is not null)
                throw new DomainRuleException("peer-secret-deprecated",
                    "Per questa Regione è registrato un certificato (profilo ModI): il segreto condiviso dello schema HMAC non si usa più.");
            var (keyId, ciphertext) = secrets.Seal(region, command.Secret);
            peer.ShareSecret(keyId, ciphertext);
            audit.Detail += " legacy-secret";
        }
        return View(peer, options.Value);
    }

    public static PeerView View(Peer p, CmsOptions options)
    {
        var certificates = p.TrustCertificates is null ? null : PeerCertificates.Parse(p.TrustCertificates, out _);
        return new PeerView(p.RegionCode, options.Issuers.GetValueOrDefault(p.RegionCode), p.Name, p.BaseUrl, p.Enabled, p.CreatedAt, p.UpdatedAt,
            certificates?.Select(c => new PeerCertificateView(c.Subject, c.Issuer, new DateTimeOffset(c.NotBefore.ToUniversalTime()),
                new DateTimeOffset(c.NotAfter.ToUniversalTime()),
                Convert.ToHexStringLower(c.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)),
                PeerCertificates.IsCa(c))).ToList(),
            p.CertificateSubject, p.PdndClientId, p.SecretKeyId is not null);
    }
}
