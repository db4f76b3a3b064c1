using Cms.Application.Common.Auditing;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Identification.ImportCardFeed;

public sealed record RejectedFeedLine(long Line, IReadOnlyList<string> Errors);

public sealed record CardFeedResult(long Accepted, IReadOnlyList<RejectedFeedLine> Rejected, long CardsCreated, long CardsAlreadyPresent, long RejectedCount);

/// <summary>Loads holders, cards and their codes in bulk; implemented with PostgreSQL's binary COPY.</summary>
public interface ICardFeedImporter
{
    /// <param name="maxReportedRejections">How many rejected lines to list (all are counted).</param>
    Task<CardFeedResult> ImportNdjsonAsync(Stream content, int maxReportedRejections, CancellationToken cancellationToken) =>
        ImportNdjsonAsync(content, maxReportedRejections, migration: false, cancellationToken);

    /// <param name="migration">
    /// Migration lines (<see cref="CardMigrationLine"/>): the cards of a region moving onto Cms, with their state, activation, consents,
    /// reader deliveries and past operations (decision 0039). The API's <c>?migration=true</c> and the CLI's <c>--migration</c> both come here.
    /// </param>
    Task<CardFeedResult> ImportNdjsonAsync(Stream content, int maxReportedRejections, bool migration, CancellationToken cancellationToken);
}

/// <summary>
/// The issuer's card feed (NDJSON, one card per line), idempotent by card number; bad lines are
/// reported by line number and the good ones still load.
/// </summary>
public sealed record ImportCardFeedCommand(Stream Content, bool Migration = false) : ICommand<CardFeedResult>, IAuditedMessage
{
    public OperationType OperationType => OperationType.CardFeed;
}

public sealed class ImportCardFeedValidator : AbstractValidator<ImportCardFeedCommand>
{
    public ImportCardFeedValidator() => RuleFor(c => c.Content).NotNull().Must(s => s.CanRead);
}

public sealed class ImportCardFeedHandler(ICardFeedImporter importer, AuditScope audit) : ICommandHandler<ImportCardFeedCommand, CardFeedResult>
{
    public const int MaxReportedRejections = 1000;

    public async ValueTask<CardFeedResult> Handle(ImportCardFeedCommand command, CancellationToken cancellationToken)
    {
        var result = await importer.ImportNdjsonAsync(command.Content, MaxReportedRejections, command.Migration, cancellationToken);
        audit.Detail = $"{(command.Migration ? "migration " : "")}accepted={result.Accepted} created={result.CardsCreated} rejected={result.RejectedCount}";
        return result;
    }
}
