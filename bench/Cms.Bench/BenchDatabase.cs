using Npgsql;

namespace Cms.Bench;

internal static class BenchDatabase
{
    /// <summary>Drops every module's schema, whichever exist (a module added later included), and EF's migration history.</summary>
    public static async Task DropEverythingAsync(NpgsqlDataSource dataSource)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        await using var drop = new NpgsqlCommand("""
            DO $$ DECLARE s text; BEGIN
              FOR s IN SELECT schema_name FROM information_schema.schemata
                       WHERE schema_name NOT IN ('public', 'information_schema') AND schema_name NOT LIKE 'pg\_%' LOOP
                EXECUTE format('DROP SCHEMA %I CASCADE', s);
              END LOOP;
            END $$;
            DROP TABLE IF EXISTS public."__EFMigrationsHistory"
            """, c) { CommandTimeout = 600 };
        await drop.ExecuteNonQueryAsync();
    }
}
