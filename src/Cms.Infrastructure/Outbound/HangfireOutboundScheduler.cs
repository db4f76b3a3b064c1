using Cms.Application.Outbound;
using Cms.Infrastructure.Delivery;
using Cms.Infrastructure.Outbox;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cms.Infrastructure.Outbound;

/// <summary>Wakes the outbound caller after the commit (a Hangfire job).</summary>
public sealed class HangfireOutboundScheduler(
    IBackgroundJobClient jobs, IServiceScopeFactory scopes, IOptions<BackgroundJobOptions> backgroundJobs, ILogger<HangfireOutboundScheduler> logger)
    : OutboxWakeups<OutboundCallSender, OutboundCallSender.Call>(jobs, scopes, backgroundJobs, logger, "outbound call(s)", sendsItself: false),
      IOutboundScheduler
{
    public void Schedule(Guid callId) => Wake(callId);
}
