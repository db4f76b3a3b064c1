using System.Text;
using Cms.ReaderSdk.Cns;

namespace Cms.Unit.Tests.ReaderSdk;

public class PersonalDataFileTests
{
    // Written by hand, field by field, so that the layout is checked independently of PersonalDataFile.Write.
    private static readonly string[] Fields =
    [
        "MINISTERO DELL'ECONOMIA E DELLE FINANZE", "15032021", "14032027", "D'ANGELO", "MARIA LUISA", "07021985", "F", "168",
        "DNGMLS85B47D612I", "100", "D612", "ITALIA", "2 1 A 123", "G702", "VIA ROMA 1 PISA", "",
    ];

    private static byte[] File(string[] fields, string? header = null, string trailer = "")
    {
        var content = string.Concat(fields.Select(f => f.Length.ToString("X2") + f)) + trailer;
        return Encoding.Latin1.GetBytes((header ?? content.Length.ToString("X6")) + content);
    }

    private static string[] With(int index, string value)
    {
        var fields = (string[])Fields.Clone();
        fields[index] = value;
        return fields;
    }

    [Fact]
    public void Every_field_of_the_layout_is_read_in_order()
    {
        var data = PersonalDataFile.Parse(File(Fields));
        Assert.Equal("MINISTERO DELL'ECONOMIA E DELLE FINANZE", data.IssuerCode);
        Assert.Equal(new DateOnly(2021, 3, 15), data.IssueDate);
        Assert.Equal(new DateOnly(2027, 3, 14), data.ExpiryDate);
        Assert.Equal("D'ANGELO", data.Surname);
        Assert.Equal("MARIA LUISA", data.GivenName);
        Assert.Equal(new DateOnly(1985, 2, 7), data.BirthDate);
        Assert.Equal('F', data.Sex);
        Assert.Equal(168, data.HeightCm);
        Assert.Equal("DNGMLS85B47D612I", data.CodiceFiscale);
        Assert.Equal("100", data.CitizenshipCode);
        Assert.Equal("D612", data.BirthMunicipalityCode);
        Assert.Equal("ITALIA", data.BirthCountry);
        Assert.Equal("2 1 A 123", data.BirthCertificate);
        Assert.Equal("G702", data.ResidenceMunicipalityCode);
        Assert.Equal("VIA ROMA 1 PISA", data.ResidenceAddress);
        Assert.Null(data.ExpatriationNotes);
    }

    [Fact]
    public void Written_files_read_back_the_same_and_match_the_hand_written_layout()
    {
        var data = PersonalDataFile.Parse(File(Fields));
        Assert.Equal(File(Fields), PersonalDataFile.Write(data));
        var accented = data with { GivenName = "NICOLÒ", HeightCm = null, BirthCountry = null };
        Assert.Equal(accented, PersonalDataFile.Parse(PersonalDataFile.Write(accented)));
        Assert.Throws<ArgumentException>(() => PersonalDataFile.Write(data with { ResidenceAddress = "VIA ROMA — PISA" }));
    }

    [Fact]
    public void Empty_optional_fields_are_null_and_padding_after_the_declared_size_is_ignored()
    {
        string[] minimal = [.. Fields[..7], "", Fields[8], "", "", "", "", "", "", ""];
        var file = File(minimal).Concat(new byte[] { 0x00, 0x00, 0xFF, 0xFF }).ToArray();
        var data = PersonalDataFile.Parse(file);
        Assert.Null(data.HeightCm);
        Assert.Null(data.CitizenshipCode);
        Assert.Null(data.ResidenceAddress);
    }

    [Fact]
    public void Every_truncation_is_refused_as_malformed()
    {
        var file = File(Fields);
        for (var length = 0; length < file.Length; length++)
            Assert.Throws<MalformedPersonalDataException>(() => PersonalDataFile.Parse(file.AsSpan(0, length)));
    }

    [Fact]
    public void A_declared_size_beyond_what_the_layout_can_hold_is_refused_before_reading_on()
    {
        var e = Assert.Throws<MalformedPersonalDataException>(() => PersonalDataFile.DeclaredLength("FFFFFF"u8));
        Assert.Equal("dimensione", e.Field);
        Assert.Contains("oltre il massimo", e.Message);
        Assert.Equal(6 + PersonalDataFile.MaxContentLength, PersonalDataFile.DeclaredLength(Encoding.ASCII.GetBytes(PersonalDataFile.MaxContentLength.ToString("X6"))));
    }

    [Fact]
    public void Content_beyond_the_declared_size_or_after_the_sixteen_fields_is_refused()
    {
        var beyond = File(Fields).Concat("XYZ"u8.ToArray()).ToArray();
        Assert.Contains("oltre la dimensione dichiarata", Assert.Throws<MalformedPersonalDataException>(() => PersonalDataFile.Parse(beyond)).Message);
        var seventeenth = File(Fields, trailer: "03ABC");
        Assert.Contains("oltre i 16 campi", Assert.Throws<MalformedPersonalDataException>(() => PersonalDataFile.Parse(seventeenth)).Message);
    }

    [Fact]
    public void A_field_longer_than_the_declared_size_is_refused_naming_the_field()
    {
        var file = File(Fields);
        var shorter = Encoding.ASCII.GetBytes((file.Length - 6 - 10).ToString("X6"));
        shorter.CopyTo(file, 0);
        var e = Assert.Throws<MalformedPersonalDataException>(() => PersonalDataFile.Parse(file.AsSpan(0, file.Length - 10)));
        Assert.Equal("indirizzo di residenza", e.Field);
    }

    [Theory]
    [InlineData(1, "31022021", "data di rilascio")]
    [InlineData(2, "2027-03-14", "data di scadenza")]
    [InlineData(3, "", "cognome")]
    [InlineData(4, "   ", "nome")]
    [InlineData(5, "0702198", "data di nascita")]
    [InlineData(6, "X", "sesso")]
    [InlineData(6, "", "sesso")]
    [InlineData(7, "1A8", "statura")]
    [InlineData(7, "1680", "statura")]
    [InlineData(8, "DNGMLS85B47D612X", "codice fiscale")]
    [InlineData(8, "DNGMLS85B47D612", "codice fiscale")]
    [InlineData(0, "", "codice emettitore")]
    [InlineData(14, "VIA\tROMA", "indirizzo di residenza")]
    public void Each_bad_field_is_refused_by_name(int index, string value, string field)
    {
        var e = Assert.Throws<MalformedPersonalDataException>(() => PersonalDataFile.Parse(File(With(index, value))));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void Lengths_that_are_not_hex_are_refused()
    {
        var file = File(Fields);
        file[6] = (byte)'G';
        Assert.Equal("codice emettitore", Assert.Throws<MalformedPersonalDataException>(() => PersonalDataFile.Parse(file)).Field);
        Assert.Equal("dimensione", Assert.Throws<MalformedPersonalDataException>(() => PersonalDataFile.Parse(File(Fields, header: "00 1A2"))).Field);
    }

    [Fact]
    public void Random_damage_is_only_ever_refused_as_malformed()
    {
        var original = File(Fields);
        var random = new Random(7);
        for (var i = 0; i < 3000; i++)
        {
            var file = (byte[])original.Clone();
            for (var n = random.Next(1, 4); n > 0; n--) file[random.Next(file.Length)] = (byte)random.Next(256);
            try
            {
                PersonalDataFile.Parse(file);
            }
            catch (MalformedPersonalDataException)
            {
            }
        }
    }
}
