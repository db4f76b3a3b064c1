using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RecipientProofs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "recipient_proofs",
                schema: "delivery",
                columns: table => new
                {
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    purpose = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    card_number = table.Column<string>(type: "character(20)", fixedLength: true, maxLength: 20, nullable: false),
                    recipient_digest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    code_digest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    sends = table.Column<int>(type: "integer", nullable: false),
                    wrong_tries = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    verified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_recipient_proofs", x => x.request_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_recipient_proofs_card_number_last_sent_at",
                schema: "delivery",
                table: "recipient_proofs",
                columns: new[] { "card_number", "last_sent_at" });

            migrationBuilder.CreateIndex(
                name: "ix_recipient_proofs_created_at",
                schema: "delivery",
                table: "recipient_proofs",
                column: "created_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "recipient_proofs",
                schema: "delivery");
        }
    }
}
