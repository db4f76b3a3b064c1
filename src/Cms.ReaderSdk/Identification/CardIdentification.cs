using System.Globalization;
using Cms.Client;
using Cms.ReaderSdk.Cns;

namespace Cms.ReaderSdk.Identification;

/// <summary>Sends what the chip says to <c>POST /api/v1/cards/identify</c> through the generated client.</summary>
public static class CardIdentification
{
    public static CardIdentificationInput Query(ChipReading reading) => new()
    {
        Chip = new ChipData
        {
            CardNumber = reading.CardNumber,
            CodiceFiscale = reading.Holder.CodiceFiscale,
            Surname = reading.Holder.Surname,
            GivenName = reading.Holder.GivenName,
            BirthDate = Iso(reading.Holder.BirthDate),
            ExpiryDate = Iso(reading.Holder.ExpiryDate),
        },
    };

    public static Task<Card> IdentifyAsync(this ICmsClient client, ChipReading reading, CancellationToken cancellationToken = default) =>
        client.IdentifyCardAsync(Query(reading), cancellationToken);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
