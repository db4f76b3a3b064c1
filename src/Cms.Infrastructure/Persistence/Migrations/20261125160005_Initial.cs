using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "identification");

            migrationBuilder.EnsureSchema(
                name: "administration");

            migrationBuilder.EnsureSchema(
                name: "audit");

            migrationBuilder.CreateTable(
                name: "counters",
                schema: "administration",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    type = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    region = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_counters", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "holders",
                schema: "identification",
                columns: table => new
                {
                    codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    surname = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    given_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    sex = table.Column<char>(type: "character(1)", nullable: false),
                    birth_date = table.Column<DateOnly>(type: "date", nullable: false),
                    birth_place = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    birth_province = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    citizenship = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    household_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    entitled = table.Column<bool>(type: "boolean", nullable: false),
                    residence_address = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    residence_municipality = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    residence_postcode = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: true),
                    residence_province = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_holders", x => x.codice_fiscale);
                });

            migrationBuilder.CreateTable(
                name: "operations",
                schema: "audit",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    operator_id = table.Column<Guid>(type: "uuid", nullable: true),
                    operator_codice_fiscale = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    counter_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    region = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    card_number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    holder_codice_fiscale = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    request_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    detail = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_operations", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "operators",
                schema: "administration",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    given_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    surname = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    counter_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    roles = table.Column<List<string>>(type: "text[]", nullable: false),
                    enabled_for_cms = table.Column<bool>(type: "boolean", nullable: false),
                    password_hash = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    password_changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    failed_sign_ins = table.Column<int>(type: "integer", nullable: false),
                    locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_sign_in_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_operators", x => x.id);
                    table.ForeignKey(
                        name: "fk_operators_counters_counter_code",
                        column: x => x.counter_code,
                        principalSchema: "administration",
                        principalTable: "counters",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "cards",
                schema: "identification",
                columns: table => new
                {
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    holder_codice_fiscale = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    expiry_date = table.Column<DateOnly>(type: "date", nullable: false),
                    issuer_region = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    state = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    activated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    loaded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    codes_ciphertext = table.Column<byte[]>(type: "bytea", nullable: false),
                    codes_key_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cards", x => x.card_number);
                    table.ForeignKey(
                        name: "fk_cards_holders_holder_codice_fiscale",
                        column: x => x.holder_codice_fiscale,
                        principalSchema: "identification",
                        principalTable: "holders",
                        principalColumn: "codice_fiscale",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cards_holder_codice_fiscale",
                schema: "identification",
                table: "cards",
                column: "holder_codice_fiscale");

            migrationBuilder.CreateIndex(
                name: "ix_holders_household_id",
                schema: "identification",
                table: "holders",
                column: "household_id",
                filter: "household_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_operations_card_number",
                schema: "audit",
                table: "operations",
                column: "card_number");

            migrationBuilder.CreateIndex(
                name: "ix_operations_holder_codice_fiscale",
                schema: "audit",
                table: "operations",
                column: "holder_codice_fiscale");

            migrationBuilder.CreateIndex(
                name: "ix_operations_id",
                schema: "audit",
                table: "operations",
                column: "id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_operations_occurred_at",
                schema: "audit",
                table: "operations",
                column: "occurred_at");

            migrationBuilder.CreateIndex(
                name: "ix_operations_operator_id_occurred_at",
                schema: "audit",
                table: "operations",
                columns: new[] { "operator_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_operators_codice_fiscale",
                schema: "administration",
                table: "operators",
                column: "codice_fiscale",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_operators_counter_code",
                schema: "administration",
                table: "operators",
                column: "counter_code");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cards",
                schema: "identification");

            migrationBuilder.DropTable(
                name: "operations",
                schema: "audit");

            migrationBuilder.DropTable(
                name: "operators",
                schema: "administration");

            migrationBuilder.DropTable(
                name: "holders",
                schema: "identification");

            migrationBuilder.DropTable(
                name: "counters",
                schema: "administration");
        }
    }
}
