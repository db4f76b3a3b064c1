using Cms.Application.Delivery;
using Cms.Infrastructure.Outbox;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cms.Infrastructure.Delivery;

/// <summary>Wakes the code-message sender after the commit; an instance running a Hangfire server sends by itself (decision 0022).</summary>
public sealed class HangfireDeliveryScheduler(
    IBackgroundJobClient jobs, IServiceScopeFactory scopes, IOptions<BackgroundJobOptions> backgroundJobs, ILogger<HangfireDeliveryScheduler> logger)
    : OutboxWakeups<CodeMessageSender, CodeMessageSender.Message>(jobs, scopes, backgroundJobs, logger, "code message(s)", sendsItself: true),
      IDeliveryScheduler
{
    public void Schedule(Guid messageId) => Wake(messageId);
}
