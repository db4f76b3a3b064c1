using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Cms.Infrastructure.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running application.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CmsDbContext>
{
    public CmsDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<CmsDbContext>()
        .UseNpgsql(Environment.GetEnvironmentVariable("ConnectionStrings__Cms") ?? "Host=127.0.0.1;Database=cms_design",
            npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory", "public"))
        .AddInterceptors(RowLockInterceptor.Instance)
        .Options);
}
