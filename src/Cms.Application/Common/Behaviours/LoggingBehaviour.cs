using System.Diagnostics;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Telemetry;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Cms.Application.Common.Behaviours;

/// <summary>
/// Logs the use case's name, the operator id, the outcome and the duration, and records the duration by outcome
/// (<see cref="CmsMetrics"/>). Never the message's content: it carries personal data and secrets.
/// </summary>
public sealed class LoggingBehaviour<TMessage, TResponse>(ILogger<LoggingBehaviour<TMessage, TResponse>> logger, ICurrentUser user)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var name = typeof(TMessage).Name;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next(message, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            CmsMetrics.UseCase(name, "succeeded", null, elapsed);
            logger.LogInformation("{UseCase} by operator {OperatorId} succeeded in {ElapsedMs:0.0} ms", name, user.OperatorId, elapsed.TotalMilliseconds);
            return response;
        }
        catch (ValidationException ex)
        {
            CmsMetrics.UseCase(name, "invalid", null, Stopwatch.GetElapsedTime(started));
            logger.LogInformation("{UseCase} by operator {OperatorId} rejected: {Count} invalid field(s) {Fields}",
                name, user.OperatorId, ex.Errors.Count(), string.Join(",", ex.Errors.Select(e => e.PropertyName).Distinct()));
            throw;
        }
        catch (DomainRuleException ex)
        {
            CmsMetrics.UseCase(name, "rejected", ex.Rule, Stopwatch.GetElapsedTime(started));
            logger.LogInformation("{UseCase} by operator {OperatorId} rejected by rule {Rule}", name, user.OperatorId, ex.Rule);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception type only: messages of lower layers may quote values.
            var elapsed = Stopwatch.GetElapsedTime(started);
            CmsMetrics.UseCase(name, "failed", null, elapsed);
            logger.LogError("{UseCase} by operator {OperatorId} failed with {ExceptionType} after {ElapsedMs:0.0} ms",
                name, user.OperatorId, ex.GetType().FullName, elapsed.TotalMilliseconds);
            throw;
        }
    }
}
