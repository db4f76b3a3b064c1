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
/// A security administrator registers (or changes) a peer region: its name, where its Cms answers, the secret the two
/// regions share (both must hold the same), and whether it is enabled. The secret is never shown again.
/// </summary>
public sealed record RegisterPeerCommand(string? RegionCode, string? Name, string? BaseUrl, string? Secret, bool? Enabled)
    : ICommand<PeerView>, IAuditedMessage
{
    public OperationType OperationType => OperationType.OperatorManagement;
    public override string ToString() => $"RegisterPeerCommand {{ RegionCode = {RegionCode}, BaseUrl = {BaseUrl}, Enabled = {Enabled} }}";
}

/// <summary>A peer as administrators see it (never its secret).</summary>
public sealed record PeerView(string RegionCode, string? RegionName, string Name, string BaseUrl, bool Enabled, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

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
            .Must(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.UserInfo))
            .WithErrorCode("invalid-url").WithMessage("Indirizzo non valido: http(s)://host[:porta].");
        RuleFor(c => c.Secret).MinimumLength(MinSecretLength).MaximumLength(200)
            .WithMessage($"Il segreto condiviso deve avere almeno {MinSecretLength} caratteri.").When(c => c.Secret is not null);
        RuleFor(c => c.Enabled).NotNull();
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
        if (peer is null)
        {
            if (command.Secret is null)
                throw new DomainRuleException("peer-secret-required", "Per una nuova Regione collegata serve il segreto condiviso.");
            var (keyId, ciphertext) = secrets.Seal(region, command.Secret);
            peer = new Peer(region, command.Name!.Trim(), command.BaseUrl!.Trim(), keyId, ciphertext, command.Enabled!.Value, now);
            db.Peers.Add(peer);
        }
        else if (command.Secret is not null)
        {
            var (keyId, ciphertext) = secrets.Seal(region, command.Secret);
            peer.Update(command.Name!.Trim(), command.BaseUrl!.Trim(), keyId, ciphertext, command.Enabled!.Value, now);
        }
        else
        {
            peer.Update(command.Name!.Trim(), command.BaseUrl!.Trim(), command.Enabled!.Value, now);
        }
        return View(peer, options.Value);
    }

    public static PeerView View(Peer p, CmsOptions options) =>
        new(p.RegionCode, options.Issuers.GetValueOrDefault(p.RegionCode), p.Name, p.BaseUrl, p.Enabled, p.CreatedAt, p.UpdatedAt);
}
