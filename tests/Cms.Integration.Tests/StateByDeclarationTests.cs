using Cms.Domain.Common;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Behaviours;
using Cms.Domain.Administration;
using Cms.Domain.Auditing;
using Cms.Integration.Tests.Infrastructure;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Cms.Integration.Tests;

/// <summary>
/// Writing is declared (decision 0050): a use case that changes state is a command, which the unit-of-work behaviour runs in its
/// transaction. A query that changes something — other than its own audit entry — fails and commits nothing, instead of
/// committing because its audit entry pulled it into a unit of work (or of losing the change without one).
/// </summary>
public class StateByDeclarationTests(CmsFactory factory) : ApiTest(factory)
{
    public sealed record ProbeQuery : IQuery<int>;

    public sealed record AuditedProbeQuery : IQuery<int>, IAuditedMessage
    {
        public OperationType OperationType => OperationType.NoticeManagement;
    }

    public sealed record ProbeCommand : ICommand<int>;

    [Fact]
    public async Task A_query_that_changes_state_fails_and_commits_nothing_while_a_command_commits_the_same_change()
    {
        var admin = await Factory.ScalarAsync<Guid>("SELECT id FROM administration.operators WHERE codice_fiscale = @cf", ("cf", CmsFactory.AdminCf));

        var plain = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync<ProbeQuery>(new ProbeQuery(), admin, "query"));
        Assert.Contains("ProbeQuery is a query but changed Notice", plain.Message);
        // Audited: its audit entry is a unit of work of its own, which used to commit whatever the handler changed with it.
        var audited = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync<AuditedProbeQuery>(new AuditedProbeQuery(), admin, "audited"));
        Assert.Contains("AuditedProbeQuery is a query but changed Notice", audited.Message);
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM administration.notices"));

        Assert.Equal(1, await RunAsync<ProbeCommand>(new ProbeCommand(), admin, "command"));
        Assert.Equal("command", await Factory.ScalarAsync<string>("SELECT string_agg(title, ',') FROM administration.notices"));
    }

    /// <summary>The pipeline's unit-of-work and audit behaviours around a handler that publishes a notice.</summary>
    private async Task<int> RunAsync<TMessage>(TMessage message, Guid author, string title) where TMessage : IMessage
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<Cms.Application.Administration.IAdministrationData>();
        var unitOfWork = ActivatorUtilities.CreateInstance<UnitOfWorkBehaviour<TMessage, int>>(services);
        var audit = ActivatorUtilities.CreateInstance<AuditBehaviour<TMessage, int>>(services);
        return await unitOfWork.Handle(message, (m, ct) => audit.Handle(m, (_, _) =>
        {
            db.Notices.Add(new Notice(Guid.CreateVersion7(), title, "Prova", DateTimeOffset.UtcNow, null, author, DateTimeOffset.UtcNow));
            return ValueTask.FromResult(1);
        }, ct), CancellationToken.None);
    }
}
