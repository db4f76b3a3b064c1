using Cms.Domain.Common;

namespace Cms.Domain.Identification.Contracts;

/// <summary>
/// What a card's state allows, as every module that acts on a card checks it (activation, reprint, revocation, readers,
/// signature, renewal): the registry's published rules (decision 0052). <see cref="Card"/> applies the same ones.
/// </summary>
public static class CardRules
{
    public static void EnsureRevocable(CardState state)
    {
        if (state is CardState.Active or CardState.NotActive or CardState.Suspended) return;
        throw new DomainRuleException("card-not-revocable",
                state == CardState.Revoked ? "La tessera è già revocata: la revoca è definitiva."
                : "La tessera è scaduta: non può essere revocata.",
                state == CardState.Expired ? RuleKind.Unprocessable : RuleKind.Conflict)
            .With("state", state);
    }

    public static void EnsureState(CardState state, CardState wanted, string rule, string message)
    {
        if (state == wanted) return;
        throw new DomainRuleException(rule, state == CardState.Expired ? "La tessera è scaduta." : message,
                state == CardState.Expired ? RuleKind.Unprocessable : RuleKind.Conflict)
            .With("state", state);
    }

    /// <summary>Codes are released again only for an ACTIVE card.</summary>
    public static void EnsureReprintable(CardState state)
    {
        if (state == CardState.Active) return;
        throw new DomainRuleException("card-not-reprintable",
                state == CardState.Expired ? "La tessera è scaduta: i codici non possono essere ristampati."
                : "I codici si ristampano solo per una tessera attiva.",
                state == CardState.Expired ? RuleKind.Unprocessable : RuleKind.Conflict)
            .With("state", state);
    }

    /// <summary>Only a NOT_ACTIVE card can be activated: an expired one is a broken rule (422), any other state a conflict (409).</summary>
    public static void EnsureActivatable(CardState state)
    {
        if (state == CardState.NotActive) return;
        throw new DomainRuleException("card-not-activatable",
                state == CardState.Expired ? "La tessera è scaduta: non può essere attivata."
                : state == CardState.Active ? "La tessera è già attiva."
                : "La tessera non può essere attivata nel suo stato attuale.",
                state == CardState.Expired ? RuleKind.Unprocessable : RuleKind.Conflict)
            .With("state", state);
    }
}
