using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DelegateFromCard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "delegate_card_number",
                schema: "revocation",
                table: "state_changes",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "delegate_card_number",
                schema: "revocation",
                table: "revocation_requests",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "delegate_card_number",
                schema: "activation",
                table: "requests",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "delegate_card_number",
                schema: "reprint",
                table: "reprint_requests",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "delegate_card_number",
                schema: "consents",
                table: "consent_requests",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "delegate_card_number",
                schema: "revocation",
                table: "state_changes");

            migrationBuilder.DropColumn(
                name: "delegate_card_number",
                schema: "revocation",
                table: "revocation_requests");

            migrationBuilder.DropColumn(
                name: "delegate_card_number",
                schema: "activation",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "delegate_card_number",
                schema: "reprint",
                table: "reprint_requests");

            migrationBuilder.DropColumn(
                name: "delegate_card_number",
                schema: "consents",
                table: "consent_requests");
        }
    }
}
