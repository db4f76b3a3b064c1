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
/// reported by line number and the good ones still load. Sent by the API (<c>POST /api/v1/issuer/card-feed</c>) and by the command
/// line (<c>cms import-cards</c>, decision 0050) alike: one validation, one trail entry.
/// </summary>
/// <param name="FileName">The command line's file (its name only): the trail's entry says <c>cli … file=…</c>.</param>
/// <param name="MaxReportedRejections">How many rejected lines to list (all are counted).</param>
public sealed record ImportCardFeedCommand(Stream Content, bool Migration = false, string? FileName = null,
    int MaxReportedRejections = ImportCardFeedCommand.DefaultMaxReportedRejections) : ICommand<CardFeedResult>, IAuditedMessage
{
    public const int DefaultMaxReportedRejections = 1000;
    public OperationType OperationType => OperationType.CardFeed;
}

public sealed class ImportCardFeedValidator : AbstractValidator<ImportCardFeedCommand>
{
    public ImportCardFeedValidator()
    {
        RuleFor(c => c.Content).NotNull().Must(s => s.CanRead);
        RuleFor(c => c.MaxReportedRejections).InclusiveBetween(0, ImportCardFeedCommand.DefaultMaxReportedRejections);
    }
}

public sealed class ImportCardFeedHandler(ICardFeedImporter importer, AuditScope audit) : ICommandHandler<ImportCardFeedCommand, CardFeedResult>
{
    public async ValueTask<CardFeedResult> Handle(ImportCardFeedCommand command, CancellationToken cancellationToken)
    {
        var result = await importer.ImportNdjsonAsync(command.Content, command.MaxReportedRejections, command.Migration, cancellationToken);
        var counts = $"accepted={result.Accepted} created={result.CardsCreated} rejected={result.RejectedCount}";
        var migration = command.Migration ? "migration " : "";
        audit.Detail = command.FileName is { } file ? $"cli {migration}file={(file.Length > 120 ? file[..120] : file)} {counts}" : migration + counts;
        return result;
    }
}
