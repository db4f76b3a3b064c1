using Microsoft.Extensions.DependencyInjection.Extensions;
using Cms.Application.Administration.Bootstrap;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Application.Delivery;
using Cms.Application.Common.Documents;
using Cms.Infrastructure.DemoData;
using Cms.Infrastructure.Delivery;
using Cms.Infrastructure.Documents;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Options;
using Cms.Infrastructure.Identification;
using Cms.Infrastructure.Persistence;
using Cms.Infrastructure.Security;
using Cms.Infrastructure.Startup;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cms.Infrastructure;

public static class DependencyInjection
{
    /// <summary>
    /// The connection pool. Unless the connection string says otherwise, statements run often are prepared on each
    /// connection (Npgsql's auto-prepare): the same few queries make up nearly all the traffic, and planning them
    /// again on every request cost more than running them (the reports benchmark).
    /// <para>
    /// Nor is a connection reset when it goes back to the pool (<c>No Reset On Close</c>, decision 0061): with prepared statements
    /// Npgsql's reset is seven statements (<c>CLOSE ALL</c>, <c>RESET ALL</c>, <c>DISCARD TEMP</c>, …) run before the next use — 50
    /// of an activation's 75 statements, as each request opens the pool twice or more. The application leaves no session state
    /// behind on this pool: its locks are transaction-scoped, it sets nothing for the session, and the card-feed importer drops
    /// its staging tables itself. A transaction left open is still rolled back when its connection goes back.
    /// </para>
    /// </summary>
    public static NpgsqlDataSource DataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(WithPoolDefaults(connectionString));
        if (!Names(connectionString, "AutoPrepare"))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 100;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }
        if (!Names(connectionString, "ResetOnClose")) builder.ConnectionStringBuilder.NoResetOnClose = true;
        return builder.Build();
    }

    /// <summary>Connections the pool keeps however long they sit idle, unless the connection string says otherwise (decision 0020).</summary>
    public const int MinimumPoolSize = 32;

    /// <summary>How long a multi-host connection string trusts what it learnt of a host's role, unless it says otherwise (decision 0055).</summary>
    public const int MultiHostRecheckSeconds = 1;

    /// <summary>
    /// The connection string with the pool's floor (decision 0020): Npgsql closes, every <c>Connection Idle Lifetime</c>
    /// (5 minutes), as many connections as were idle at the median of its samples — under a steady but uneven load that
    /// is a good part of those the next busy second needs, and opening them all again at once (a new server process,
    /// authentication, cold catalogue caches, statements prepared again) stalled every request for 1–2 s and grew the
    /// pool beyond its earlier size. Below <see cref="MinimumPoolSize"/> nothing is closed.
    /// </summary>
    public static string WithPoolDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Names(connectionString, "MinimumPoolSize") && !Names(connectionString, "MinPoolSize"))
            builder.MinPoolSize = Math.Min(MinimumPoolSize, builder.MaxPoolSize);
        // Several hosts (a primary and its standby, decision 0055): Npgsql remembers each host's role for Host Recheck
        // Seconds (10 by default), so after a failover it would keep refusing the promoted standby as "not the primary" —
        // and keep trying the old primary — for up to 10 s. One second brings Cms back about as soon as Patroni promotes.
        if (builder.Host?.Contains(',', StringComparison.Ordinal) == true && !Names(connectionString, "HostRecheck"))
            builder.HostRecheckSeconds = MultiHostRecheckSeconds;
        // Npgsql's default for several hosts is "any": without this Cms could write to a standby (25006, a 503 for every
        // request that writes) until the connection closed. The application's and Hangfire's strings want the primary only.
        if (builder.Host?.Contains(',', StringComparison.Ordinal) == true && !Names(connectionString, "TargetSessionAttributes"))
            builder.TargetSessionAttributes = "primary";
        return builder.ConnectionString;
    }

    /// <summary>
    /// Whether the connection string itself sets a keyword containing <paramref name="part"/> (spaces and case ignored).
    /// Npgsql's own builder cannot tell: it knows every keyword, set or not.
    /// </summary>
    private static bool Names(string connectionString, string part) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(k => k.Replace(" ", "", StringComparison.Ordinal).Contains(part, StringComparison.OrdinalIgnoreCase));

    public static IServiceCollection AddCmsInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Cms")
            ?? throw new InvalidOperationException("ConnectionStrings:Cms is not configured.");
        services.AddSingleton(_ => DataSource(connectionString));
        // Pooled: building a context's options and internal services cost a tenth of a request's CPU (a profile of the activations
        // benchmark); CmsDbContext clears its own state (the command's transaction) when it goes back to the pool.
        services.AddDbContextPool<CmsDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(),
            npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory", "public")).AddInterceptors(RowLockInterceptor.Instance));
        services.AddScoped<ICmsDbContext>(sp => sp.GetRequiredService<CmsDbContext>());
        services.AddScoped<Cms.Application.Administration.IAdministrationData>(sp => sp.GetRequiredService<CmsDbContext>());
        services.AddScoped<Cms.Application.Identification.IIdentificationData>(sp => sp.GetRequiredService<CmsDbContext>());
        services.AddScoped<Cms.Application.Activation.IActivationData>(sp => sp.GetRequiredService<CmsDbContext>());
        services.AddScoped<Cms.Application.Reprint.IReprintData>(sp => sp.GetRequiredService<CmsDbContext>());
        services.AddScoped<Cms.Application.Revocation.IRevocationData>(sp => sp.GetRequiredService<CmsDbContext>());
        services.AddScoped<Cms.Application.Readers.IReadersData>(sp => sp.GetRequiredService<CmsDbContext>());
        services.AddScoped<Cms.Application.Signature.ISignatureData>(sp => sp.GetRequiredService<CmsDbContext>());
        services.AddScoped<Cms.Application.Consents.IConsentsData>(sp => sp.GetRequiredService<CmsDbContext>());
        services.AddScoped<Cms.Application.Interop.IInteropData>(sp => sp.GetRequiredService<CmsDbContext>());
        services.AddScoped<Cms.Application.Citizen.ICitizenData>(sp => sp.GetRequiredService<CmsDbContext>());
        services.AddScoped<IUnitOfWork>(sp => sp.GetRequiredService<CmsDbContext>());
        // The auditors' reads: on the replica of ConnectionStrings:CmsReadOnly when it is usable, else here (decision 0056).
        services.AddOptions<ReadReplicaOptions>().Bind(configuration.GetSection(ReadReplicaOptions.Section))
            .Configure(o => o.ConnectionString = configuration.GetConnectionString(ReadReplicaOptions.ConnectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReadReplicaOptions>, ReadReplicaOptionsValidator>();
        services.AddSingleton<ReadReplicaMonitor>();
        services.AddScoped<IReadSource, ReplicaReadSource>();

        services.AddOptions<CmsOptions>().Bind(configuration.GetSection(CmsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CmsOptions>, CmsOptionsValidator>();
        services.AddModuleOptions(configuration);
        services.Configure<BootstrapOptions>(configuration.GetSection(BootstrapOptions.Section));
        services.Configure<DemoDataOptions>(configuration.GetSection(DemoDataOptions.Section));
        services.Configure<CodeEncryptionOptions>(configuration.GetSection(CodeEncryptionOptions.Section));
        services.Configure<PasswordHashingOptions>(configuration.GetSection(PasswordHashingOptions.Section));

        services.AddSingleton<ICodeCipher, AesGcmCodeCipher>();
        services.AddSingleton<IKeyedDigest, KeyedDigest>();
        services.AddTransient<Cms.Infrastructure.Security.Resealer>();
        services.AddSingleton<IPasswordHasher, Pbkdf2PasswordHasher>();
        services.AddSingleton<ISessionGuard, SessionGuard>();
        services.AddSingleton<SessionRetention>();
        services.AddSingleton<RecipientUseRetention>();
        services.AddSingleton<ICardFeedImporter, CardFeedImporter>();
        services.Configure<DeliveryOptions>(configuration.GetSection(DeliveryOptions.Section));
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        // Outbound hops (decision 0032): TLS required outside Development and Testing; SMTP's unset mode follows.
        // (The command-line tools have no host environment: they require TLS.)
        services.AddSingleton(sp => sp.GetService<Microsoft.Extensions.Hosting.IHostEnvironment>() is { } environment
            ? Startup.TransportSettings.Policy(environment) : new Cms.Application.Common.Options.TransportSecurity(RequireTls: true));
        services.AddOptions<SmtpOptions>().PostConfigure<Cms.Application.Common.Options.TransportSecurity>((o, transport) =>
            o.Security = Startup.TransportSettings.SmtpSecurity(o.Security, transport.RequireTls));
        services.Configure<SmsOptions>(configuration.GetSection(SmsOptions.Section));
        services.Configure<DocumentOptions>(configuration.GetSection(DocumentOptions.Section));
        services.Configure<BackgroundJobOptions>(configuration.GetSection(BackgroundJobOptions.Section));
        // One renderer for every module's forms, each handler given the interface of the forms it prints.
        services.AddSingleton<PdfFormRenderer>();
        services.AddSingleton<ICodeReleaseForms>(sp => sp.GetRequiredService<PdfFormRenderer>());
        services.AddSingleton<IRevocationForms>(sp => sp.GetRequiredService<PdfFormRenderer>());
        services.AddSingleton<IReaderForms>(sp => sp.GetRequiredService<PdfFormRenderer>());
        services.AddSingleton<ISignatureForms>(sp => sp.GetRequiredService<PdfFormRenderer>());
        services.AddSingleton<IConsentForms>(sp => sp.GetRequiredService<PdfFormRenderer>());
        services.AddSingleton<ICitizenForms>(sp => sp.GetRequiredService<PdfFormRenderer>());
        services.AddSingleton<IReportRenderer>(sp => sp.GetRequiredService<PdfFormRenderer>());
        services.AddSingleton<IBlankFormRenderer>(sp => sp.GetRequiredService<PdfFormRenderer>());
        services.Configure<IdempotencyOptions>(configuration.GetSection(IdempotencyOptions.Section));
        services.AddScoped<IIdempotencyStore, IdempotencyStore>();
        services.AddSingleton<IdempotencyRetention>();
        services.AddSingleton<SealedContentRetention>();
        services.AddSingleton<Telemetry.QueueGauges>();
        services.AddSingleton<Cms.Application.Common.Auditing.IAuditTrail, Auditing.PostgresAuditTrail>();
        services.Configure<Auditing.AuditChainerOptions>(configuration.GetSection(Auditing.AuditChainerOptions.Section));
        services.Configure<Auditing.AuditCheckpointOptions>(configuration.GetSection(Auditing.AuditChainerOptions.Section));
        services.AddOptions<Auditing.AuditCheckpointOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<Auditing.AuditCheckpointOptions>, Auditing.AuditCheckpointOptionsValidator>();
        services.AddSingleton<Auditing.AuditCheckpointKeys>();
        services.AddHttpClient(Auditing.ConfiguredCheckpointSink.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<Auditing.IAuditCheckpointSink, Auditing.ConfiguredCheckpointSink>();
        services.AddSingleton<Auditing.AuditCheckpointWriter>();
        // The singletons run under one lease per region's database (decision 0054): one instance at a time, another when it dies.
        services.AddOptions<Coordination.CoordinationOptions>().Bind(configuration.GetSection(Coordination.CoordinationOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Coordination.CoordinationOptions>, Coordination.CoordinationOptionsValidator>();
        services.AddSingleton(sp => new Coordination.SingletonLease(connectionString, sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<IOptions<Coordination.CoordinationOptions>>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Coordination.SingletonLease>>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<ILeaseStatus>(sp => sp.GetRequiredService<Coordination.SingletonLease>());
        services.AddHostedService<Auditing.AuditChainer>();

        // Code messages: SMTP when a host is configured, else the pickup folder; SMS likewise.
        services.AddSingleton<IEmailTransport>(sp => string.IsNullOrEmpty(sp.GetRequiredService<IOptions<SmtpOptions>>().Value.Host)
            ? ActivatorUtilities.CreateInstance<PickupEmailTransport>(sp)
            : ActivatorUtilities.CreateInstance<SmtpEmailTransport>(sp));
        services.AddHttpClient("sms", c => c.Timeout = TimeSpan.FromSeconds(20));
        services.AddSingleton<ISmsTransport>(sp => string.IsNullOrEmpty(sp.GetRequiredService<IOptions<SmsOptions>>().Value.GatewayUrl)
            ? ActivatorUtilities.CreateInstance<PickupSmsTransport>(sp)
            : new HttpSmsTransport(sp.GetRequiredService<IHttpClientFactory>().CreateClient("sms"), sp.GetRequiredService<IOptions<SmsOptions>>()));
        services.AddTransient<CodeMessageSender>();
        services.AddSingleton<HangfireDeliveryScheduler>();
        services.AddSingleton<IDeliveryScheduler>(sp => sp.GetRequiredService<HangfireDeliveryScheduler>());
        services.AddHostedService(sp => sp.GetRequiredService<HangfireDeliveryScheduler>());

        // Calls to the certification authority and the FSE system, from the outbound outbox.
        services.Configure<Outbound.IntegrationOptions>(configuration.GetSection(Outbound.IntegrationOptions.Section));
        services.PostConfigure<Outbound.IntegrationOptions>(o =>
            o.PickupFolder ??= configuration[$"{DeliveryOptions.Section}:PickupFolder"] is { Length: > 0 } pickup ? Path.Combine(pickup, "outbound") : null);
        services.AddHttpClient("outbound", (sp, c) =>
            c.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<Outbound.IntegrationOptions>>().Value.TimeoutSeconds));
        services.AddTransient<Outbound.OutboundCallSender>();
        services.AddSingleton<Outbound.HangfireOutboundScheduler>();
        services.AddSingleton<Cms.Application.Outbound.IOutboundScheduler>(sp => sp.GetRequiredService<Outbound.HangfireOutboundScheduler>());
        services.AddHostedService(sp => sp.GetRequiredService<Outbound.HangfireOutboundScheduler>());

        // Requests sent to peer regions (interoperability), from their own outbox.
        services.Configure<Interop.InteropOptions>(configuration.GetSection(Interop.InteropOptions.Section));
        services.AddOptions<SealedContentRetentionOptions>()
            .Configure<IOptions<Interop.InteropOptions>>((o, interop) => o.InteropAnswersAfterDays = interop.Value.PurgeAnswersAfterDays);
        services.AddHttpClient("interop", (sp, c) =>
            c.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<Interop.InteropOptions>>().Value.TimeoutSeconds));
        services.AddTransient<Interop.InteropSender>();
        services.AddSingleton<Cms.Application.Interop.Contracts.IPeerSignatureLedger, Interop.PeerSignatureLedger>();
        // The ModI profile (decision 0059): this region's signing identity (files read again when they change), the tokens, the
        // inbound checks; the PDND voucher only when an authorization server is configured (decision 0060).
        services.AddOptions<Interop.Modi.SigningIdentityOptions>().Bind(configuration.GetSection(Interop.Modi.SigningIdentityOptions.Section))
            .Validate(o => o.Pkcs12Path is null || (o.CertificatePath is null && o.KeyPath is null),
                "Interop:Signing: either Pkcs12Path or CertificatePath with KeyPath, not both")
            .Validate(o => (o.CertificatePath is null) == (o.KeyPath is null), "Interop:Signing: CertificatePath and KeyPath go together")
            .ValidateOnStart();
        services.AddOptions<Interop.InteropOptions>()
            .Validate(o => o.PublicUrl is null || (Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
                && string.IsNullOrEmpty(u.Query) && !o.PublicUrl.EndsWith('/')), "Interop:PublicUrl: an absolute http(s) URL without a trailing slash")
            .ValidateOnStart();
        services.AddSingleton<Interop.Modi.RegionSigningIdentity>();
        services.AddSingleton<Interop.Modi.ModiTokens>();
        services.AddScoped<Interop.Modi.ModiInbound>();
        services.AddSingleton<Interop.Modi.IVoucherCheck, Interop.Modi.PdndVoucherCheck>();
        services.AddSingleton<Interop.Modi.IVoucherSource, Interop.Modi.PdndVoucherSource>();
        services.AddSingleton<Interop.HangfireInteropScheduler>();
        services.AddSingleton<Cms.Application.Interop.Common.IInteropScheduler>(sp => sp.GetRequiredService<Interop.HangfireInteropScheduler>());
        services.AddHostedService(sp => sp.GetRequiredService<Interop.HangfireInteropScheduler>());
        // The optional PDND voucher (decision 0060): off without Interop:Pdnd:TokenUrl; checked at start-up when on.
        services.AddOptions<Interop.Modi.PdndOptions>().Bind(configuration.GetSection(Interop.Modi.PdndOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Interop.Modi.PdndOptions>, Interop.Modi.PdndOptionsValidator>();
        services.AddHttpClient(Interop.Modi.PdndVoucherClient.HttpClientName, (sp, c) =>
            c.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<Interop.Modi.PdndOptions>>().Value.TimeoutSeconds));
        services.AddSingleton<Interop.Modi.PdndVoucherClient>();
        services.AddSingleton<Interop.Modi.PdndVoucherValidator>();

        var jobs = configuration.GetSection(BackgroundJobOptions.Section).Get<BackgroundJobOptions>() ?? new();
        services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(WithPoolDefaults(connectionString)), new PostgreSqlStorageOptions
            {
                SchemaName = "hangfire",
                QueuePollInterval = TimeSpan.FromMilliseconds(500),
                EnableLongPolling = true,
                // Installed by the migration step (DatabaseMigrator), as the owner: the runtime role creates nothing.
                PrepareSchemaIfNecessary = false,
                DistributedLockTimeout = TimeSpan.FromSeconds(jobs.LockTimeoutSeconds),
            }));
        if (jobs.ServerEnabled)
        {
            services.AddHangfireServer(o =>
            {
                o.WorkerCount = jobs.WorkerCount;
                o.SchedulePollingInterval = TimeSpan.FromSeconds(jobs.SchedulePollingSeconds);
                o.ServerName = $"cms-{Environment.MachineName}-{Environment.ProcessId}";
            });
        }

        services.AddScoped<DemoDataSeeder>();
        services.AddScoped<DatabaseInitializer>();
        services.AddTransient<DatabaseMigrator>();
        return services;
    }

    /// <summary>
    /// The modules' own settings, under the section names a region already writes (decision 0052): the shared kernel's
    /// <c>CmsOptions</c> names no module, so each module binds and checks what it owns, at start-up like the rest.
    /// </summary>
    public static IServiceCollection AddModuleOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Cms.Application.Readers.Common.ReaderRuleOptions>()
            .Bind(configuration.GetSection(Cms.Application.Readers.Common.ReaderRuleOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Cms.Application.Readers.Common.ReaderRuleOptions>, Cms.Application.Readers.Common.ReaderRuleOptionsValidator>();
        // A list section: bound into the list, which stays empty (the dated defaults) when the region writes none.
        services.AddOptions<Cms.Application.Consents.Common.ConsentPolicyOptions>()
            .Configure(o => configuration.GetSection(Cms.Application.Consents.Common.ConsentPolicyOptions.Section).Bind(o.Policies)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Cms.Application.Consents.Common.ConsentPolicyOptions>, Cms.Application.Consents.Common.ConsentPolicyOptionsValidator>();
        return services;
    }
}
