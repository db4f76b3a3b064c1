using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class MigrationImport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "codes_key_id",
                schema: "identification",
                table: "cards",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(40)",
                oldMaxLength: 40);

            migrationBuilder.AlterColumn<byte[]>(
                name: "codes_ciphertext",
                schema: "identification",
                table: "cards",
                type: "bytea",
                nullable: true,
                oldClrType: typeof(byte[]),
                oldType: "bytea");

            migrationBuilder.AddColumn<string>(
                name: "activation_mode",
                schema: "identification",
                table: "cards",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "migrated_at",
                schema: "identification",
                table: "cards",
                type: "timestamp with time zone",
                nullable: true);

            // A migrated card may come without codes (decision 0039): both halves of the sealed value, or neither.
            // Imported operations (detail "imported …") are not operations of Cms's counters: kept out of the counts.
            migrationBuilder.Sql("""
                ALTER TABLE identification.cards ADD CONSTRAINT ck_cards_codes_whole CHECK ((codes_key_id IS NULL) = (codes_ciphertext IS NULL));
                CREATE OR REPLACE FUNCTION audit.is_counter_operation_done(type text, outcome text, detail text) RETURNS boolean
                LANGUAGE sql IMMUTABLE AS $$
                    SELECT coalesce(outcome = 'SUCCEEDED'
                        AND type IN ('ACTIVATION', 'REPRINT', 'REVOCATION', 'FSE_CONSENTS', 'READER_DELIVERY', 'SUSPENSION', 'REACTIVATION')
                        AND (detail LIKE 'confirm%' OR type IN ('SUSPENSION', 'REACTIVATION'))
                        AND coalesce(detail, '') NOT LIKE 'imported%', false)
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE identification.cards DROP CONSTRAINT ck_cards_codes_whole;
                CREATE OR REPLACE FUNCTION audit.is_counter_operation_done(type text, outcome text, detail text) RETURNS boolean
                LANGUAGE sql IMMUTABLE AS $$
                    SELECT coalesce(outcome = 'SUCCEEDED'
                        AND type IN ('ACTIVATION', 'REPRINT', 'REVOCATION', 'FSE_CONSENTS', 'READER_DELIVERY', 'SUSPENSION', 'REACTIVATION')
                        AND (detail LIKE 'confirm%' OR type IN ('SUSPENSION', 'REACTIVATION')), false)
                $$;
                """);
            migrationBuilder.DropColumn(
                name: "activation_mode",
                schema: "identification",
                table: "cards");

            migrationBuilder.DropColumn(
                name: "migrated_at",
                schema: "identification",
                table: "cards");

            migrationBuilder.AlterColumn<string>(
                name: "codes_key_id",
                schema: "identification",
                table: "cards",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(40)",
                oldMaxLength: 40,
                oldNullable: true);

            migrationBuilder.AlterColumn<byte[]>(
                name: "codes_ciphertext",
                schema: "identification",
                table: "cards",
                type: "bytea",
                nullable: false,
                defaultValue: new byte[0],
                oldClrType: typeof(byte[]),
                oldType: "bytea",
                oldNullable: true);
        }
    }
}
