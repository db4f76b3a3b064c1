using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CardCertificates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "certificate_issuer",
                schema: "identification",
                table: "cards",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "certificate_serial",
                schema: "identification",
                table: "cards",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_cards_certificate_serial",
                schema: "identification",
                table: "cards",
                column: "certificate_serial",
                filter: "certificate_serial IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cards_certificate_serial",
                schema: "identification",
                table: "cards");

            migrationBuilder.DropColumn(
                name: "certificate_issuer",
                schema: "identification",
                table: "cards");

            migrationBuilder.DropColumn(
                name: "certificate_serial",
                schema: "identification",
                table: "cards");
        }
    }
}
