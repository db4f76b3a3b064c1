using Cms.Domain.Common;
using Cms.Domain.Requests;

namespace Cms.Unit.Tests;

/// <summary>The manuals' exceptions (decision 0044) in <see cref="PeopleRules"/>: each refusal with its own rule, and what they let through.</summary>
public class SpecialCasesRulesTests
{
    private static readonly DateOnly Today = new(2026, 12, 3);
    private const string HolderCf = "FRRGLI90A41D612X";
    private static readonly DelegatePerson Delegate = new("RSSMRA80A01H501U", "ROSSI", "MARIO");
    private static readonly SpecialCasesPolicy Counter = new(AcceptExpiredWithDeclaration: false);
    private static readonly SpecialCasesPolicy Toscana = new(AcceptExpiredWithDeclaration: true);

    private static AttendeeDetails Details(RequestMode mode = RequestMode.Direct, SpecialCases? special = null, DateOnly? documentExpiry = null,
        bool healthDocuments = true) =>
        new(mode, null, mode == RequestMode.Direct ? null : Delegate,
            new IdentityDocument(DocumentType.CartaIdentita, "CA1", "COMUNE", new DateOnly(2015, 1, 1), documentExpiry ?? new DateOnly(2030, 1, 1)),
            true, healthDocuments, special);

    private static SpecialCases Health(DateOnly? certificate = null, bool overThreeMonths = true) =>
        new(false, false, new MedicalCertificate("Dott. Bianchi", certificate ?? Today.AddDays(-3)), overThreeMonths);

    private static string Rule(AttendeeDetails d, bool minor = false, SpecialCasesPolicy? policy = null) =>
        Assert.Throws<DomainRuleException>(() => PeopleRules.Check(d, HolderCf, minor, Today, policy ?? Counter)).Rule;

    [Fact]
    public void An_emancipated_minor_comes_in_person_with_the_declaration()
    {
        Assert.Equal("minor-direct-activation", Rule(Details(), minor: true));
        PeopleRules.Check(Details(special: SpecialCases.None with { EmancipatedMinor = true }), HolderCf, true, Today, Counter, Today.AddYears(-16));
        // Emancipation comes with marriage, from 16 (artt. 84 and 390 c.c.): a younger holder, or one whose birth date is unknown, is refused.
        Assert.Equal("emancipation-age", Assert.Throws<DomainRuleException>(() =>
            PeopleRules.Check(Details(special: SpecialCases.None with { EmancipatedMinor = true }), HolderCf, true, Today, Counter,
                Today.AddYears(-16).AddDays(1))).Rule);
        Assert.Equal("emancipation-age", Rule(Details(special: SpecialCases.None with { EmancipatedMinor = true }), minor: true));
        Assert.Equal("emancipation-not-applicable", Rule(Details(special: SpecialCases.None with { EmancipatedMinor = true })));
        Assert.Equal("emancipation-not-applicable",
            Rule(Details(RequestMode.HealthDelegation, Health() with { EmancipatedMinor = true }), minor: true));
        // Outside activation and reprint at the counter the flag does not exist: a minor in person is refused as before.
        Assert.Equal("minor-direct-activation", Assert.Throws<DomainRuleException>(() =>
            PeopleRules.Check(Details(special: SpecialCases.None with { EmancipatedMinor = true }), HolderCf, true, Today)).Rule);
    }

    [Fact]
    public void An_expired_document_needs_the_region_policy_and_the_declaration()
    {
        var expired = Today.AddDays(-1);
        var declared = SpecialCases.None with { ExpiredDocumentDeclared = true };
        Assert.Equal("document-expired", Rule(Details(special: declared, documentExpiry: expired)));
        Assert.Equal("expired-document-declaration-required", Rule(Details(documentExpiry: expired), policy: Toscana));
        PeopleRules.Check(Details(special: declared, documentExpiry: expired), HolderCf, false, Today, Toscana);
        Assert.Equal("document-expired", Assert.Throws<DomainRuleException>(() =>
            PeopleRules.Check(Details(special: declared, documentExpiry: expired), HolderCf, false, Today)).Rule);
    }

    [Fact]
    public void The_health_delegation_records_a_certificate_and_an_impediment_over_three_months()
    {
        Assert.Equal("health-delegation-documents-missing", Rule(Details(RequestMode.HealthDelegation, Health(), healthDocuments: false)));
        Assert.Equal("medical-certificate-required", Rule(Details(RequestMode.HealthDelegation)));
        Assert.Equal("medical-certificate-date-invalid", Rule(Details(RequestMode.HealthDelegation, Health(Today.AddDays(1)))));
        Assert.Equal("health-impediment-too-short", Rule(Details(RequestMode.HealthDelegation, Health(overThreeMonths: false))));
        PeopleRules.Check(Details(RequestMode.HealthDelegation, Health()), HolderCf, false, Today, Counter);
        // Interoperability keeps the common rules (no certificate in its contract).
        PeopleRules.Check(Details(RequestMode.HealthDelegation), HolderCf, false, Today);
    }

    [Fact]
    public void The_trail_names_the_exceptions_used()
    {
        Assert.Equal("", SpecialCases.None.AuditSuffix());
        Assert.Equal(" emancipated-minor expired-document-declared", new SpecialCases(true, true, null, false).AuditSuffix());
        Assert.Equal(" medical-certificate=2026-11-30 impediment-over-3-months", Health().AuditSuffix());
    }
}
