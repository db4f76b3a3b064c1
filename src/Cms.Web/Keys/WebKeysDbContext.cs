using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Cms.Web.Keys;

/// <summary>
/// The web UI's only database access (decision 0057): the data-protection key ring in <c>web.data_protection_keys</c>, shared by
/// every instance. The table is made by the project's migration step (<c>cms migrate</c>) and the UI's role (<c>Database:WebRole</c>)
/// may only read it and add to it; this context never migrates.
/// </summary>
public sealed class WebKeysDbContext(DbContextOptions<WebKeysDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public const string Schema = "web";
    public const string Table = "data_protection_keys";

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<DataProtectionKey>(key =>
    {
        key.ToTable(Table, Schema);
        key.HasKey(k => k.Id);
        key.Property(k => k.Id).HasColumnName("id").UseIdentityByDefaultColumn();
        key.Property(k => k.FriendlyName).HasColumnName("friendly_name");
        key.Property(k => k.Xml).HasColumnName("xml");
    });
}
