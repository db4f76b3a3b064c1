using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The trail's canonical text (format 2, decision 0028) computed by one expression PostgreSQL inlines, instead of thirteen calls
    /// of <c>audit.canonical_field</c> — an SQL function the planner could not inline (its argument is used three times and is itself
    /// a function call), so each call ran the SQL-function executor: 0.2 ms per entry, the chainer's whole cost and a third of
    /// PostgreSQL's CPU per activation (issue 29, decision 0061). Declared STABLE, as <c>to_char</c> is: an IMMUTABLE function that
    /// calls a STABLE one is never inlined either (nothing indexes it). The same text for every entry: the chain, its checkpoints and the
    /// application's own walk (<c>AuditCanonical</c>) do not change; <c>AuditCanonicalTests</c> compares the two on every field shape.
    /// </summary>
    [DbContext(typeof(CmsDbContext))]
    [Migration("20261213100000_AuditCanonicalInlined")]
    [ContractStep("Not a contract step: audit.canonical gets an equivalent body (the same text for every entry, AuditCanonicalTests), so " +
        "release N, which calls the same function, chains exactly as before; declared because the rule refuses any replacement of the " +
        "trail's functions unseen.")]
    public partial class AuditCanonicalInlined : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION audit.canonical(o audit.operations, chain_index bigint) RETURNS text LANGUAGE sql STABLE AS $$
                    SELECT 'cms-audit-2'
                        || '|' || CASE WHEN chain_index::text IS NULL THEN '~' ELSE octet_length(convert_to(chain_index::text, 'UTF8'))::text || ':' || chain_index::text END
                        || '|' || CASE WHEN o.sequence::text IS NULL THEN '~' ELSE octet_length(convert_to(o.sequence::text, 'UTF8'))::text || ':' || o.sequence::text END
                        || '|' || CASE WHEN o.id::text IS NULL THEN '~' ELSE octet_length(convert_to(o.id::text, 'UTF8'))::text || ':' || o.id::text END
                        || '|' || CASE WHEN to_char(o.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')::text IS NULL THEN '~' ELSE octet_length(convert_to(to_char(o.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')::text, 'UTF8'))::text || ':' || to_char(o.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')::text END
                        || '|' || CASE WHEN o.type::text IS NULL THEN '~' ELSE octet_length(convert_to(o.type::text, 'UTF8'))::text || ':' || o.type::text END
                        || '|' || CASE WHEN o.outcome::text IS NULL THEN '~' ELSE octet_length(convert_to(o.outcome::text, 'UTF8'))::text || ':' || o.outcome::text END
                        || '|' || CASE WHEN o.operator_id::text IS NULL THEN '~' ELSE octet_length(convert_to(o.operator_id::text, 'UTF8'))::text || ':' || o.operator_id::text END
                        || '|' || CASE WHEN o.operator_codice_fiscale::text IS NULL THEN '~' ELSE octet_length(convert_to(o.operator_codice_fiscale::text, 'UTF8'))::text || ':' || o.operator_codice_fiscale::text END
                        || '|' || CASE WHEN o.counter_code::text IS NULL THEN '~' ELSE octet_length(convert_to(o.counter_code::text, 'UTF8'))::text || ':' || o.counter_code::text END
                        || '|' || CASE WHEN o.region::text IS NULL THEN '~' ELSE octet_length(convert_to(o.region::text, 'UTF8'))::text || ':' || o.region::text END
                        || '|' || CASE WHEN o.card_number::text IS NULL THEN '~' ELSE octet_length(convert_to(o.card_number::text, 'UTF8'))::text || ':' || o.card_number::text END
                        || '|' || CASE WHEN o.holder_codice_fiscale::text IS NULL THEN '~' ELSE octet_length(convert_to(o.holder_codice_fiscale::text, 'UTF8'))::text || ':' || o.holder_codice_fiscale::text END
                        || '|' || CASE WHEN o.request_id::text IS NULL THEN '~' ELSE octet_length(convert_to(o.request_id::text, 'UTF8'))::text || ':' || o.request_id::text END
                        || '|' || CASE WHEN o.detail::text IS NULL THEN '~' ELSE octet_length(convert_to(o.detail::text, 'UTF8'))::text || ':' || o.detail::text END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION audit.canonical(o audit.operations, chain_index bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
                    SELECT concat_ws('|', 'cms-audit-2', audit.canonical_field(chain_index::text), audit.canonical_field(o.sequence::text),
                        audit.canonical_field(o.id::text),
                        audit.canonical_field(to_char(o.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
                        audit.canonical_field(o.type), audit.canonical_field(o.outcome), audit.canonical_field(o.operator_id::text),
                        audit.canonical_field(o.operator_codice_fiscale), audit.canonical_field(o.counter_code), audit.canonical_field(o.region),
                        audit.canonical_field(o.card_number), audit.canonical_field(o.holder_codice_fiscale), audit.canonical_field(o.request_id),
                        audit.canonical_field(o.detail))
                $$;
                """);
        }
    }
}
