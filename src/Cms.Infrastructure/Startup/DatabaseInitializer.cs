using Cms.Application.Administration.Bootstrap;
using Cms.Infrastructure.DemoData;
using Cms.Infrastructure.Delivery;
using Hangfire;
using Cms.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cms.Infrastructure.Startup;

/// <summary>
/// At start-up: applies migrations when asked (<see cref="DatabaseMigrator"/>, as the owner role), creates the first security administrator on an empty database, then
/// (when enabled) the demo data, in that order, so that a first run with the bootstrap settings always
/// yields that administrator.
/// </summary>
public sealed class DatabaseInitializer(AdministratorBootstrapper bootstrapper, DemoDataSeeder seeder,
    IOptions<BootstrapOptions> bootstrap, IOptions<DemoDataOptions> demo, IOptions<DeliveryOptions> delivery, IOptions<Outbound.IntegrationOptions> integrations, IOptions<Interop.InteropOptions> interop,
    IOptions<IdempotencyOptions> idempotency, IOptions<Cms.Application.Common.Options.CmsOptions> cms, DatabaseMigrator migrator,
    IOptions<BackgroundJobOptions> backgroundJobs, IRecurringJobManager recurringJobs, IBackgroundJobClient jobs, ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(bool migrate, CancellationToken cancellationToken)
    {
        // One instance at a time migrates (an advisory lock), so several may be started with the flag together.
        if (migrate) await migrator.MigrateAsync(cancellationToken);
        // Side by side (issue 29, cold start): the recurring jobs (Hangfire's storage, on its own connections) and the first
        // administrator (EF Core's model and first query, on this scope's context) share nothing, and each is mostly the first
        // run of its code. Both are done before the instance serves, as before.
        var jobs = Task.Run(() => RegisterJobsAsync(cancellationToken), cancellationToken);
        var administrator = BootstrapAsync(cancellationToken);
        await Task.WhenAll(jobs, administrator);
        if (demo.Value.Enabled && await seeder.SeedAsync(demo.Value, cancellationToken))
            logger.LogInformation("Demo data loaded");
    }

    private async Task BootstrapAsync(CancellationToken cancellationToken)
    {
        if (await bootstrapper.RunAsync(bootstrap.Value, cancellationToken))
            logger.LogInformation("Bootstrap security administrator created");
    }

    /// <summary>
    /// The recurring jobs, and a sweep of each outbox now. Registering a recurring job takes its Hangfire lock: an instance
    /// killed while its scheduler held one leaves it behind until it expires (<see cref="BackgroundJobOptions.LockTimeoutSeconds"/>),
    /// so an instance restarted at once waits for it instead of failing to start.
    /// </summary>
    private async Task RegisterJobsAsync(CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(2 * backgroundJobs.Value.LockTimeoutSeconds + 15);
        while (true)
        {
            try
            {
                // The safety net of the outbox: messages due and not in flight are sent by this sweep.
                recurringJobs.AddOrUpdate<CodeMessageSender>("delivery-sweep", s => s.SweepAsync(CancellationToken.None), delivery.Value.SweepCron);
                // After a restart (or a crash) whatever was left due goes out now, not at the next sweep.
                jobs.Enqueue<CodeMessageSender>(s => s.SweepAsync(CancellationToken.None));
                // Likewise for the calls to the certification authority and the FSE system.
                recurringJobs.AddOrUpdate<Outbound.OutboundCallSender>("outbound-sweep", s => s.SweepAsync(CancellationToken.None), integrations.Value.SweepCron);
                jobs.Enqueue<Outbound.OutboundCallSender>(s => s.SweepAsync(CancellationToken.None));
                // And for the requests to peer regions.
                recurringJobs.AddOrUpdate<Interop.InteropSender>("interop-sweep", s => s.SweepAsync(CancellationToken.None), interop.Value.SweepCron);
                jobs.Enqueue<Interop.InteropSender>(s => s.SweepAsync(CancellationToken.None));
                // Stored idempotent answers are kept 24 hours.
                recurringJobs.AddOrUpdate<IdempotencyRetention>("idempotency-retention", r => r.PurgeExpiredAsync(CancellationToken.None), idempotency.Value.RetentionCron);
                // Code halves are erased once they have served: sent messages' second halves, interop first halves and answers.
                recurringJobs.AddOrUpdate<SealedContentRetention>("sealed-content-retention", r => r.PurgeAsync(CancellationToken.None), delivery.Value.PurgeCron);
                // Operators' sessions (their addresses) are kept Cms:Sessions:RetentionDays after their end.
                recurringJobs.AddOrUpdate<Security.SessionRetention>("session-retention", r => r.PurgeAsync(CancellationToken.None),
                    cms.Value.Sessions.RetentionCron);
                // Uses of delivery addresses are kept for the shared-recipient check's window only (decision 0034).
                recurringJobs.AddOrUpdate<Security.RecipientUseRetention>("recipient-use-retention", r => r.PurgeAsync(CancellationToken.None),
                    cms.Value.Recipients.RetentionCron);
                return;
            }
            catch (Hangfire.PostgreSql.PostgreSqlDistributedLockException) when (DateTime.UtcNow < until)
            {
                logger.LogWarning("A recurring job's lock is still held (by an instance that stopped?): waiting for it to expire");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }
}
