using System.Reflection;
using System.Text.RegularExpressions;
using Cms.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace Cms.Architecture.Tests;

/// <summary>
/// Rolling upgrades (decision 0058): while instances of release N and N+1 run side by side on N+1's schema, every migration
/// after the baseline is an expand step — it adds, and N keeps reading and writing as before — unless it is marked
/// <see cref="ContractStepAttribute"/> with its reason. The rule reads each migration's own operations, raw SQL included.
/// </summary>
public partial class MigrationShapeTests
{
    private const string BaselineId = "20261210100000_Baseline";

    [Fact]
    public void Every_migration_after_the_baseline_is_an_expand_step_or_a_declared_contract_step()
    {
        var migrations = LayerTests.Infrastructure.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(Migration).IsAssignableFrom(t))
            .Select(t => (Type: t, Id: t.GetCustomAttribute<MigrationAttribute>()?.Id))
            .ToList();
        Assert.Contains(migrations, m => m.Id == BaselineId);
        Assert.All(migrations, m => Assert.True(m.Id is not null, $"{m.Type.Name} has no [Migration] id"));

        var findings = new List<string>();
        foreach (var (type, id) in migrations.Where(m => string.CompareOrdinal(m.Id, BaselineId) > 0))
        {
            if (type.GetCustomAttribute<ContractStepAttribute>() is { } contract)
            {
                if (string.IsNullOrWhiteSpace(contract.Reason)) findings.Add($"{id}: a contract step must say why and since which release");
                continue;
            }
            findings.AddRange(Findings((Migration)Activator.CreateInstance(type)!).Select(f => $"{id}: {f}"));
        }
        Assert.True(findings.Count == 0,
            "migrations that would break the previous release during a rolling upgrade (write them expand/contract, decision 0058):\n"
            + string.Join("\n", findings));
    }

    [Fact]
    public void The_rule_finds_each_breaking_operation_and_passes_an_expand_step()
    {
        Assert.Empty(Findings(new ExpandOnly()));
        var found = Findings(new Breaking());
        foreach (var expected in new[]
                 {
                     "drops table", "drops column", "renames table", "renames column", "changes the type of", "makes",
                     "adds required column", "adds check constraint", "adds unique constraint", "drops schema", "raw SQL",
                     "drops index", "drops sequence", "adds foreign key", "deletes rows",
                 })
            Assert.Contains(found, f => f.Contains(expected, StringComparison.Ordinal));
        Assert.Equal(18, found.Count);
    }

    /// <summary>What in a migration's <c>Up</c> would break a release that does not know it.</summary>
    internal static IReadOnlyList<string> Findings(Migration migration)
    {
        migration.ActiveProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";
        var newTables = migration.UpOperations.OfType<CreateTableOperation>().Select(t => (t.Schema, t.Name)).ToHashSet();
        var findings = new List<string>();
        foreach (var operation in migration.UpOperations)
        {
            switch (operation)
            {
                case DropTableOperation o: findings.Add($"drops table {o.Schema}.{o.Name}"); break;
                case DropColumnOperation o: findings.Add($"drops column {o.Schema}.{o.Table}.{o.Name}"); break;
                case RenameTableOperation o: findings.Add($"renames table {o.Schema}.{o.Name}"); break;
                case RenameColumnOperation o: findings.Add($"renames column {o.Schema}.{o.Table}.{o.Name}"); break;
                case DropSchemaOperation o: findings.Add($"drops schema {o.Name}"); break;
                case DropSequenceOperation o: findings.Add($"drops sequence {o.Schema}.{o.Name}"); break;
                // An index may be what the previous release's ON CONFLICT or lock relies on; a key or constraint what it joins on.
                case DropIndexOperation o: findings.Add($"drops index {o.Schema}.{o.Name}"); break;
                case DropUniqueConstraintOperation o: findings.Add($"drops unique constraint {o.Name} of {o.Schema}.{o.Table}"); break;
                case DropPrimaryKeyOperation o: findings.Add($"drops primary key {o.Name} of {o.Schema}.{o.Table}"); break;
                case AlterColumnOperation o when o.ClrType != o.OldColumn.ClrType || o.ColumnType != o.OldColumn.ColumnType
                                                 || (o.MaxLength is not null && (o.OldColumn.MaxLength is null || o.MaxLength < o.OldColumn.MaxLength)):
                    findings.Add($"changes the type of {o.Schema}.{o.Table}.{o.Name}"); break;
                case AlterColumnOperation o when !o.IsNullable && o.OldColumn.IsNullable:
                    findings.Add($"makes {o.Schema}.{o.Table}.{o.Name} required"); break;
                case AddColumnOperation o when !newTables.Contains((o.Schema, o.Table)) && !o.IsNullable && o.DefaultValue is null
                                               && o.DefaultValueSql is null && o.ComputedColumnSql is null:
                    findings.Add($"adds required column {o.Schema}.{o.Table}.{o.Name} without a default (the previous release's inserts fail)"); break;
                case AddCheckConstraintOperation o when !newTables.Contains((o.Schema, o.Table)):
                    findings.Add($"adds check constraint {o.Name} to {o.Schema}.{o.Table}"); break;
                case AddUniqueConstraintOperation o when !newTables.Contains((o.Schema, o.Table)):
                    findings.Add($"adds unique constraint {o.Name} to {o.Schema}.{o.Table}"); break;
                case AddForeignKeyOperation o when !newTables.Contains((o.Schema, o.Table)):
                    findings.Add($"adds foreign key {o.Name} to {o.Schema}.{o.Table}"); break;
                case AddPrimaryKeyOperation o when !newTables.Contains((o.Schema, o.Table)):
                    findings.Add($"adds primary key {o.Name} to {o.Schema}.{o.Table}"); break;
                case CreateIndexOperation { IsUnique: true } o when !newTables.Contains((o.Schema, o.Table)):
                    findings.Add($"adds unique index {o.Name} to {o.Schema}.{o.Table}"); break;
                case UpdateDataOperation o: findings.Add($"updates rows of {o.Schema}.{o.Table}"); break;
                case DeleteDataOperation o: findings.Add($"deletes rows of {o.Schema}.{o.Table}"); break;
                case SqlOperation o when BreakingSql().Match(o.Sql) is { Success: true } m:
                    findings.Add($"raw SQL: '{m.Value.Trim()}'"); break;
            }
        }
        return findings;
    }

    /// <summary>Statements in hand-written SQL that take away or tighten what the previous release uses.</summary>
    [GeneratedRegex(@"\b(DROP\s+(TABLE|COLUMN|SCHEMA|VIEW|MATERIALIZED\s+VIEW|TYPE|FUNCTION|PROCEDURE|INDEX|TRIGGER|SEQUENCE|POLICY|CONSTRAINT)"
        + @"|RENAME\s+(TO|COLUMN|CONSTRAINT)|ALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE|SET\s+NOT\s+NULL"
        + @"|ADD\s+(CONSTRAINT|UNIQUE|CHECK|PRIMARY\s+KEY|FOREIGN\s+KEY)|CREATE\s+UNIQUE\s+INDEX|REVOKE|TRUNCATE|DELETE\s+FROM|UPDATE\s+\S+\s+SET"
        + @"|CREATE\s+OR\s+REPLACE\s+FUNCTION\s+audit\.|ADD\s+COLUMN\s+[^;,]*\bNOT\s+NULL\b(?![^;,]*\bDEFAULT\b))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BreakingSql();

    private sealed class ExpandOnly : Migration
    {
        protected override void Up(MigrationBuilder b)
        {
            b.EnsureSchema("web");
            b.CreateTable("keys", c => new { id = c.Column<int>(), xml = c.Column<string>(nullable: false) }, "web",
                t => { t.PrimaryKey("pk_keys", x => x.id); t.UniqueConstraint("uq_keys", x => x.xml); });
            b.CreateIndex("ix_keys_xml", "keys", "xml", schema: "web", unique: true);
            b.AddColumn<string>("note", "cards", schema: "identification", nullable: true);
            b.AddColumn<int>("tries", "cards", schema: "identification", nullable: false, defaultValue: 0);
            b.CreateIndex("ix_cards_note", "cards", "note", schema: "identification");
            b.AlterColumn<string>("note", "cards", schema: "identification", maxLength: 200, nullable: true, oldMaxLength: 100, oldNullable: false);
            b.Sql("CREATE OR REPLACE FUNCTION web.noop() RETURNS void LANGUAGE sql AS 'SELECT 1'; GRANT SELECT ON web.keys TO cms;");
            b.Sql("CREATE TABLE web.more (id integer NOT NULL PRIMARY KEY, note text UNIQUE); ALTER TABLE identification.cards ADD COLUMN flag boolean NOT NULL DEFAULT false;");
        }
    }

    private sealed class Breaking : Migration
    {
        protected override void Up(MigrationBuilder b)
        {
            b.DropTable("old", schema: "identification");
            b.DropColumn("legacy", "cards", schema: "identification");
            b.RenameTable("cards", schema: "identification", newName: "tessere");
            b.RenameColumn("state", "cards", "stato", schema: "identification");
            b.AlterColumn<long>("tries", "cards", schema: "identification", oldClrType: typeof(int));
            b.AlterColumn<string>("note", "cards", schema: "identification", nullable: false, oldNullable: true);
            b.AddColumn<int>("required", "cards", schema: "identification", nullable: false);
            b.AddCheckConstraint("ck_cards_tries", "cards", "tries >= 0", schema: "identification");
            b.AddUniqueConstraint("uq_cards_note", "cards", "note", schema: "identification");
            b.DropSchema("legacy");
            b.Sql("ALTER TABLE identification.cards DROP COLUMN legacy_state;");
            b.DropIndex("ix_cards_state", "cards", schema: "identification");
            b.DropSequence("numbers", schema: "identification");
            b.AlterColumn<string>("note", "cards", schema: "identification", maxLength: 100, nullable: true, oldNullable: true);
            b.AddForeignKey("fk_cards_holder", "cards", "holder", "holders", schema: "identification", principalSchema: "identification");
            b.DeleteData("cards", "card_number", "x", schema: "identification");
            b.Sql("CREATE OR REPLACE FUNCTION audit.canonical(o audit.operations, i bigint) RETURNS text LANGUAGE sql AS 'SELECT 1';");
            b.Sql("ALTER TABLE identification.cards ADD COLUMN flag boolean NOT NULL;");
        }
    }
}
