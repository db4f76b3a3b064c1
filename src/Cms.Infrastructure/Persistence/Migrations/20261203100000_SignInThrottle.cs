using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SignInThrottle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // No account lock any more (decision 0031): wrong passwords are counted per (user name, source address) pair in
            // sign_in_throttles, whose key is a keyed digest of both (neither is stored in clear).
            migrationBuilder.DropColumn(
                name: "failed_sign_ins",
                schema: "administration",
                table: "operators");

            migrationBuilder.DropColumn(
                name: "locked_until",
                schema: "administration",
                table: "operators");

            migrationBuilder.CreateTable(
                name: "sign_in_throttles",
                schema: "administration",
                columns: table => new
                {
                    key = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    failures = table.Column<int>(type: "integer", nullable: false),
                    last_failure_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    wait_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sign_in_throttles", x => x.key);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sign_in_throttles_last_failure_at",
                schema: "administration",
                table: "sign_in_throttles",
                column: "last_failure_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sign_in_throttles",
                schema: "administration");

            migrationBuilder.AddColumn<int>(
                name: "failed_sign_ins",
                schema: "administration",
                table: "operators",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "locked_until",
                schema: "administration",
                table: "operators",
                type: "timestamp with time zone",
                nullable: true);
        }
    }
}
