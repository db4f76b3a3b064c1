using Cms.Domain.Requests;

namespace Cms.Domain.Activation;

/// <summary>A request to activate a card and release its codes [M 2.3–2.4, T 2.2, TM 10.1–10.3].</summary>
public sealed class ActivationRequest : CodeReleaseRequest
{
    private ActivationRequest() { }

    public ActivationRequest(Guid id, string cardNumber, string holderCodiceFiscale, Guid operatorId, string counterCode,
        DateTimeOffset now, TimeSpan pendingFor, PeopleDetails details)
        : base(id, cardNumber, holderCodiceFiscale, operatorId, counterCode, now) => Apply(details, now, pendingFor);

    public bool HealthDelegationDocumentsReceived { get; private set; }

    public void Modify(PeopleDetails details, DateTimeOffset now, TimeSpan pendingFor)
    {
        EnsurePending(now);
        Apply(details, now, pendingFor);
    }

    private void Apply(PeopleDetails d, DateTimeOffset now, TimeSpan pendingFor)
    {
        ApplyPeople(d, now, pendingFor);
        HealthDelegationDocumentsReceived = d.Mode == RequestMode.HealthDelegation && d.HealthDelegationDocumentsReceived;
    }
}
