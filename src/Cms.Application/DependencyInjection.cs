using Cms.Application.Administration.Bootstrap;
using Cms.Application.Administration.SignIn;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Behaviours;
using Cms.Application.Identification.Contracts;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Cms.Application;

public static class DependencyInjection
{
    public static IServiceCollection AddCmsApplication(this IServiceCollection services)
    {
        services.AddMediator((MediatorOptions o) =>
        {
            o.ServiceLifetime = ServiceLifetime.Scoped;
            // Outermost first: log, validate, open the transaction, record the operation, handle.
            o.PipelineBehaviors =
            [
                typeof(LoggingBehaviour<,>),
                typeof(ValidationBehaviour<,>),
                typeof(UnitOfWorkBehaviour<,>),
                typeof(AuditBehaviour<,>),
            ];
        });
        Common.Validation.ItalianMessages.Apply();
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddScoped<AuditScope>();
        services.AddScoped<AfterCommit>();
        services.AddScoped<CommandTransaction>();
        services.AddScoped<Delivery.CodeMessageOutbox>();
        services.AddScoped<Delivery.CodeRelease>();
        services.AddScoped<Delivery.RecipientProofs>();
        services.AddScoped<ICardRegistry, CardRegistry>();
        services.AddScoped<Activation.Common.ActivationRequests>();
        services.AddScoped<Reprint.Common.ReprintRequests>();
        services.AddScoped<CounterRequestForms>();
        services.AddScoped<Outbound.OutboundCalls>();
        services.AddScoped<Requests.CounterRequestLoader>();
        services.AddScoped<Revocation.Common.RevocationRequests>();
        services.AddScoped<Revocation.Common.StateChanges>();
        services.AddScoped<Revocation.Common.CallCentreIdentifications>();
        services.AddScoped<Readers.Common.ReaderDeliveries>();
        services.AddScoped<Signature.Common.SignatureRequests>();
        services.AddScoped<Outbound.IOutboundCallPrecondition, Signature.Common.SignatureCallPrecondition>();
        services.AddScoped<Consents.Common.ConsentRequests>();
        services.AddScoped<Activation.Contracts.IActivationLookup, Activation.Contracts.ActivationLookup>();
        services.AddScoped<Activation.Contracts.IPeerActivations, Activation.Contracts.PeerActivations>();
        services.AddScoped<Reprint.Contracts.IPeerReprints, Reprint.Contracts.PeerReprints>();
        services.AddScoped<Revocation.Contracts.IPeerRevocations, Revocation.Contracts.PeerRevocations>();
        services.AddScoped<Revocation.Common.CipChecks>();
        services.AddScoped<Reporting.Common.HolderIdentification>();
        services.AddScoped<Interop.Common.PeerSecrets>();
        services.AddScoped<Interop.Common.InteropRequests>();
        services.AddScoped<Interop.Contracts.IPeerDirectory, Interop.Contracts.PeerDirectory>();
        services.AddScoped<OperatorGate>();
        services.AddScoped<Cms.Application.Administration.Common.SignInThrottles>();
        services.AddScoped<Administration.Contracts.IRecipientGuard, Administration.Contracts.RecipientGuard>();
        services.AddScoped<AdministratorBootstrapper>();
        services.AddScoped<ICardDirectory, CardDirectory>();
        services.AddScoped<IIdentificationReadModels, IdentificationReadModels>();
        services.AddScoped<Administration.Contracts.IAdministrationDirectory, Administration.Contracts.AdministrationDirectory>();
        services.AddScoped<DelegateCards>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
