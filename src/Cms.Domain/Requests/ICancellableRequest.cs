namespace Cms.Domain.Requests;

/// <summary>
/// A request an operator handles at a counter, whatever its module (the counter operations' <see cref="CounterRequest"/>, an
/// interop request to another region): the card and the holder it concerns, and its cancel while pending.
/// </summary>
public interface ICancellableRequest
{
    string CardNumber { get; }
    string HolderCodiceFiscale { get; }
    void Cancel(DateTimeOffset now);
}
