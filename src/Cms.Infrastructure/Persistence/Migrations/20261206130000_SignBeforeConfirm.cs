using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SignBeforeConfirm : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string[]>(
                name: "forms_printed",
                schema: "interop",
                table: "requests",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.AddColumn<string[]>(
                name: "forms_printed",
                schema: "activation",
                table: "requests",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.AddColumn<string[]>(
                name: "forms_printed",
                schema: "reprint",
                table: "reprint_requests",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "forms_printed",
                schema: "interop",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "forms_printed",
                schema: "activation",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "forms_printed",
                schema: "reprint",
                table: "reprint_requests");
        }
    }
}
