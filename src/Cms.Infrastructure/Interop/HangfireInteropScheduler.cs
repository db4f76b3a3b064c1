using Cms.Application.Interop.Common;
using Cms.Application.Interop.Contracts;
using Cms.Infrastructure.Delivery;
using Cms.Infrastructure.Outbox;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cms.Infrastructure.Interop;

/// <summary>Wakes the interop sender after the commit (a Hangfire job).</summary>
public sealed class HangfireInteropScheduler(
    IBackgroundJobClient jobs, IServiceScopeFactory scopes, IOptions<BackgroundJobOptions> backgroundJobs, ILogger<HangfireInteropScheduler> logger)
    : OutboxWakeups<InteropSender, InteropSender.Request>(jobs, scopes, backgroundJobs, logger, "interop request(s)", sendsItself: false),
      IInteropScheduler
{
    public void Schedule(Guid requestId) => Wake(requestId);
}
