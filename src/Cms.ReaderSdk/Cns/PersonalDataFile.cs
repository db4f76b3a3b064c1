using System.Globalization;
using System.Text;
using Cms.Domain.Common;

namespace Cms.ReaderSdk.Cns;

/// <summary>EF.Dati_personali is malformed; <see cref="Field"/> names the part that is wrong.</summary>
public sealed class MalformedPersonalDataException(string field, string message)
    : ReaderSdkException($"EF.Dati_personali non valido ({field}): {message}")
{
    public string Field { get; } = field;
}

/// <summary>
/// The layout of EF.Dati_personali: 6 ASCII hex digits with the size of what follows, then 16 fields, each 2 ASCII hex
/// digits of length and that many bytes (00 = empty). Reads it strictly and writes it (for the emulated card).
/// </summary>
public static class PersonalDataFile
{
    public const int HeaderLength = 6;
    public const int FieldCount = 16;
    /// <summary>The most the 16 fields can hold (2 + 255 bytes each): anything larger declared is not this file.</summary>
    public const int MaxContentLength = FieldCount * (2 + 255);

    public static readonly string[] FieldNames =
    [
        "codice emettitore", "data di rilascio", "data di scadenza", "cognome", "nome", "data di nascita", "sesso", "statura",
        "codice fiscale", "cittadinanza", "comune di nascita", "stato di nascita", "atto di nascita", "comune di residenza",
        "indirizzo di residenza", "annotazioni per l'espatrio",
    ];

    /// <summary>The size of the whole file (header included) declared by its first six bytes.</summary>
    public static int DeclaredLength(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderLength) throw new MalformedPersonalDataException("dimensione", "file troncato prima della dimensione (6 cifre esadecimali)");
        var size = ParseHex(header[..HeaderLength], "dimensione");
        if (size > MaxContentLength)
            throw new MalformedPersonalDataException("dimensione", $"dimensione dichiarata {size} oltre il massimo del tracciato ({MaxContentLength})");
        return HeaderLength + size;
    }

    public static PersonalData Parse(ReadOnlySpan<byte> file)
    {
        var total = DeclaredLength(file);
        if (file.Length < total)
            throw new MalformedPersonalDataException("dimensione", $"file troncato: dichiarati {total - HeaderLength} byte di dati, presenti {file.Length - HeaderLength}");
        if (!IsPadding(file[total..]))
            throw new MalformedPersonalDataException("dimensione", "dati oltre la dimensione dichiarata");

        var content = file[HeaderLength..total];
        var fields = new string?[FieldCount];
        var position = 0;
        for (var i = 0; i < FieldCount; i++)
        {
            if (position + 2 > content.Length)
                throw new MalformedPersonalDataException(FieldNames[i], "file troncato prima della lunghezza del campo");
            var length = ParseHex(content.Slice(position, 2), FieldNames[i]);
            position += 2;
            if (position + length > content.Length)
                throw new MalformedPersonalDataException(FieldNames[i], $"il campo dichiara {length} byte ma ne restano {content.Length - position}");
            fields[i] = length == 0 ? null : Text(content.Slice(position, length), FieldNames[i]);
            position += length;
        }
        if (!IsPadding(content[position..]))
            throw new MalformedPersonalDataException("dimensione", "dati oltre i 16 campi del tracciato");

        var sex = Required(fields, 6);
        if (sex is not ("M" or "F")) throw new MalformedPersonalDataException(FieldNames[6], $"'{sex}' non è M o F");
        int? height = null;
        if (fields[7] is { } h)
        {
            if (h.Length > 3 || !h.All(char.IsAsciiDigit)) throw new MalformedPersonalDataException(FieldNames[7], $"'{h}' non è una statura in centimetri");
            height = int.Parse(h, CultureInfo.InvariantCulture);
        }
        var codiceFiscale = Required(fields, 8);
        if (CodiceFiscale.Problem(codiceFiscale) is { } problem)
            throw new MalformedPersonalDataException(FieldNames[8], $"'{codiceFiscale}': {problem}");

        return new PersonalData(
            IssuerCode: Required(fields, 0),
            IssueDate: Date(fields, 1),
            ExpiryDate: Date(fields, 2),
            Surname: Required(fields, 3),
            GivenName: Required(fields, 4),
            BirthDate: Date(fields, 5),
            Sex: sex[0],
            HeightCm: height,
            CodiceFiscale: codiceFiscale,
            CitizenshipCode: fields[9],
            BirthMunicipalityCode: fields[10],
            BirthCountry: fields[11],
            BirthCertificate: fields[12],
            ResidenceMunicipalityCode: fields[13],
            ResidenceAddress: fields[14],
            ExpatriationNotes: fields[15]);
    }

    /// <summary>The file's bytes for a holder record (the emulated card's EF.Dati_personali).</summary>
    public static byte[] Write(PersonalData data)
    {
        string?[] fields =
        [
            data.IssuerCode, DdMmYyyy(data.IssueDate), DdMmYyyy(data.ExpiryDate), data.Surname, data.GivenName, DdMmYyyy(data.BirthDate),
            data.Sex.ToString(), data.HeightCm?.ToString(CultureInfo.InvariantCulture), data.CodiceFiscale, data.CitizenshipCode,
            data.BirthMunicipalityCode, data.BirthCountry, data.BirthCertificate, data.ResidenceMunicipalityCode, data.ResidenceAddress,
            data.ExpatriationNotes,
        ];
        var content = new StringBuilder();
        foreach (var field in fields)
        {
            var value = field ?? "";
            if (value.Length > 255) throw new ArgumentException($"Campo oltre 255 byte: {value[..20]}…");
            if (value.Any(c => c > 0xFF)) throw new ArgumentException($"Carattere non rappresentabile sul chip (Latin-1): {value}");
            content.Append(value.Length.ToString("X2", CultureInfo.InvariantCulture)).Append(value);
        }
        return Encoding.Latin1.GetBytes(content.Length.ToString("X6", CultureInfo.InvariantCulture) + content);
    }

    private static string DdMmYyyy(DateOnly date) => date.ToString("ddMMyyyy", CultureInfo.InvariantCulture);

    private static bool IsPadding(ReadOnlySpan<byte> rest) => rest.IndexOfAnyExcept((byte)0x00, (byte)0xFF) < 0;

    private static int ParseHex(ReadOnlySpan<byte> digits, string field)
    {
        var value = 0;
        foreach (var b in digits)
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                _ => throw new MalformedPersonalDataException(field, $"lunghezza non esadecimale ({Convert.ToHexString(digits)})"),
            };
            value = value * 16 + digit;
        }
        return value;
    }

    private static string Text(ReadOnlySpan<byte> bytes, string field)
    {
        // Printable ASCII and Latin-1 letters (accented names); no control characters.
        foreach (var b in bytes)
            if (b < 0x20 || b is >= 0x7F and < 0xC0)
                throw new MalformedPersonalDataException(field, $"carattere non ammesso 0x{b:X2}");
        return Encoding.Latin1.GetString(bytes);
    }

    private static string Required(string?[] fields, int index) =>
        fields[index] is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value
            : throw new MalformedPersonalDataException(FieldNames[index], "campo obbligatorio vuoto");

    private static DateOnly Date(string?[] fields, int index)
    {
        var text = Required(fields, index);
        if (text.Length != 8 || !DateOnly.TryParseExact(text, "ddMMyyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            throw new MalformedPersonalDataException(FieldNames[index], $"'{text}' non è una data GGMMAAAA");
        return date;
    }
}
