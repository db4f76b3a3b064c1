using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cms.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PurgeSealedContent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Issue 23: the sealed second halves of a code message are erased some days after it was sent, and the sealed answers
            // (first halves) given to peers' requests some days after they were received; the rows stay as history.
            migrationBuilder.AlterColumn<string>(
                name: "key_id",
                schema: "delivery",
                table: "messages",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(40)",
                oldMaxLength: 40);

            migrationBuilder.AlterColumn<byte[]>(
                name: "content_ciphertext",
                schema: "delivery",
                table: "messages",
                type: "bytea",
                nullable: true,
                oldClrType: typeof(byte[]),
                oldType: "bytea");

            migrationBuilder.AlterColumn<string>(
                name: "answer_key_id",
                schema: "interop",
                table: "inbound_requests",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(40)",
                oldMaxLength: 40);

            migrationBuilder.AlterColumn<byte[]>(
                name: "answer_ciphertext",
                schema: "interop",
                table: "inbound_requests",
                type: "bytea",
                nullable: true,
                oldClrType: typeof(byte[]),
                oldType: "bytea");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The schema before could not hold a message or an answer without its sealed content, and the code of that time
            // would try to open (and reseal) an empty value: the rows whose content was erased go — their content served its
            // purpose long ago; a purged code message takes its delivery history with it. No default is left on the columns.
            migrationBuilder.Sql("""
                DELETE FROM delivery.messages WHERE key_id IS NULL OR content_ciphertext IS NULL;
                ALTER TABLE delivery.messages ALTER COLUMN key_id SET NOT NULL, ALTER COLUMN content_ciphertext SET NOT NULL;
                DELETE FROM interop.inbound_requests WHERE answer_key_id IS NULL OR answer_ciphertext IS NULL;
                ALTER TABLE interop.inbound_requests ALTER COLUMN answer_key_id SET NOT NULL, ALTER COLUMN answer_ciphertext SET NOT NULL;
                """);
        }
    }
}
