using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SpecialCases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "emancipated_minor",
                schema: "activation",
                table: "requests",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "expired_document_declared",
                schema: "activation",
                table: "requests",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "impediment_over_three_months",
                schema: "activation",
                table: "requests",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateOnly>(
                name: "medical_certificate_date",
                schema: "activation",
                table: "requests",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "medical_certificate_doctor",
                schema: "activation",
                table: "requests",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "emancipated_minor",
                schema: "reprint",
                table: "reprint_requests",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "expired_document_declared",
                schema: "reprint",
                table: "reprint_requests",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "impediment_over_three_months",
                schema: "reprint",
                table: "reprint_requests",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateOnly>(
                name: "medical_certificate_date",
                schema: "reprint",
                table: "reprint_requests",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "medical_certificate_doctor",
                schema: "reprint",
                table: "reprint_requests",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "emancipated_minor",
                schema: "activation",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "expired_document_declared",
                schema: "activation",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "impediment_over_three_months",
                schema: "activation",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "medical_certificate_date",
                schema: "activation",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "medical_certificate_doctor",
                schema: "activation",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "emancipated_minor",
                schema: "reprint",
                table: "reprint_requests");

            migrationBuilder.DropColumn(
                name: "expired_document_declared",
                schema: "reprint",
                table: "reprint_requests");

            migrationBuilder.DropColumn(
                name: "impediment_over_three_months",
                schema: "reprint",
                table: "reprint_requests");

            migrationBuilder.DropColumn(
                name: "medical_certificate_date",
                schema: "reprint",
                table: "reprint_requests");

            migrationBuilder.DropColumn(
                name: "medical_certificate_doctor",
                schema: "reprint",
                table: "reprint_requests");
        }
    }
}
