using Cms.CardEmulator;
using Cms.ReaderSdk;
using Cms.ReaderSdk.Cns;
using Cms.ReaderSdk.Iso7816;

namespace Cms.Unit.Tests.ReaderSdk;

public class CardReadingTests
{
    private static readonly PersonalData Holder = new(
        "MINISTERO DELL'ECONOMIA E DELLE FINANZE", new DateOnly(2021, 3, 15), new DateOnly(2027, 3, 14), "D'ANGELO", "MARIA LUISA",
        new DateOnly(1985, 2, 7), 'F', 168, "DNGMLS85B47D612I", "100", "D612", "ITALIA", null, "G702",
        // Long enough for the file to need two READ BINARY chunks (more than 255 bytes).
        "VIA DEI MILLE 123, SCALA B, INTERNO 7, PRESSO LA FAMIGLIA BIANCHI, 56127 PISA (PI) - " + new string('X', 120), null);

    /// <summary>A channel that answers from a script and records what it was sent.</summary>
    private sealed class ScriptedChannel(params byte[][] answers) : ICardChannel
    {
        private readonly Queue<byte[]> queue = new(answers);
        public List<byte[]> Sent { get; } = [];

        public byte[] Transmit(ReadOnlySpan<byte> command)
        {
            Sent.Add(command.ToArray());
            return queue.Dequeue();
        }
    }

    [Fact]
    public void The_cns_atr_is_recognised_with_its_version_and_others_are_not()
    {
        var cns = Atr.Parse(TsCnsCardEmulator.CnsAtr);
        Assert.True(cns.IsCns);
        Assert.Equal("1.0", cns.CnsVersion);
        Assert.Equal([1, 1], cns.Protocols);
        Assert.Equal(15, cns.HistoricalBytes.Length);
        Assert.False(Atr.Parse(TsCnsCardEmulator.OtherAtr).IsCns);
        Assert.Equal("1.1", Atr.Parse(Convert.FromHexString("3B8F8001" + "434E5311" + "0000000000000000000000")).CnsVersion);
    }

    [Theory]
    [InlineData("")]
    [InlineData("3B")]
    [InlineData("00FF")]
    [InlineData("3BFF1800FF81")]
    [InlineData("3B8F800143")]
    public void Broken_atrs_are_refused(string hex) =>
        Assert.Throws<ReaderSdkException>(() => Atr.Parse(Convert.FromHexString(hex)));

    [Fact]
    public void More_data_61xx_is_fetched_with_get_response()
    {
        var channel = new ScriptedChannel([0x61, 0x03], [0x01, 0x02, 0x03, 0x90, 0x00]);
        var answer = channel.Exchange([0x00, 0xA4, 0x00, 0x00, 0x02, 0x3F, 0x00]);
        Assert.Equal([0x01, 0x02, 0x03], answer.Data);
        Assert.Equal([0x00, 0xC0, 0x00, 0x00, 0x03], channel.Sent[1]);
    }

    [Fact]
    public void Wrong_length_6Cxx_repeats_the_command_with_the_length_the_card_asked_for()
    {
        var channel = new ScriptedChannel([0x6C, 0x10], [.. new byte[16], 0x90, 0x00]);
        var answer = channel.Exchange([0x00, 0xB0, 0x00, 0x00, 0xFF]);
        Assert.Equal(16, answer.Data.Length);
        Assert.Equal([0x00, 0xB0, 0x00, 0x00, 0x10], channel.Sent[1]);
    }

    [Fact]
    public void Error_status_words_become_typed_exceptions()
    {
        var missing = Assert.Throws<CardFileNotFoundException>(() => new ScriptedChannel([0x6A, 0x82]).Exchange([0x00, 0xA4, 0x00, 0x00, 0x02, 0x11, 0x02]));
        Assert.Equal(0x6A82, missing.StatusWord);
        Assert.IsType<CardSecurityStatusException>(Assert.ThrowsAny<CardStatusException>(() => new ScriptedChannel([0x69, 0x82]).Exchange([0x00, 0xB0, 0, 0, 1])));
        Assert.Equal(0x6B00, Assert.ThrowsAny<CardStatusException>(() => new ScriptedChannel([0x6B, 0x00]).Exchange([0x00, 0xB0, 0, 0, 1])).StatusWord);
        Assert.Throws<ReaderSdkException>(() => new ScriptedChannel([0x90]).Exchange([0x00, 0xB0, 0, 0, 1]));
    }

    [Fact]
    public void The_emulated_card_is_read_by_select_and_chunked_read_binary()
    {
        var card = TsCnsCardEmulator.For("80380000900000000042", Holder);
        var reading = TsCnsReader.Read(card, "test", card.Atr);
        Assert.Equal("80380000900000000042", reading.CardNumber);
        Assert.Equal("0000900000000042", reading.IdCarta);
        Assert.Equal(Holder, reading.Holder);
        Assert.True(PersonalDataFile.Write(Holder).Length > 255);
        // 3 SELECTs (each 61xx + GET RESPONSE) and one READ BINARY for EF.ID_Carta; 3 SELECTs, the header and two chunks.
        Assert.Equal(6 + 1 + 6 + 1 + 2, card.Exchanges);
    }

    [Fact]
    public void A_card_that_is_not_a_cns_is_refused_by_its_atr()
    {
        var card = TsCnsCardEmulator.For("80380000900000000042", Holder, TsCnsCardEmulator.OtherAtr);
        Assert.Throws<NotCnsCardException>(() => TsCnsReader.Read(card, "test", card.Atr));
        Assert.Equal(0, card.Exchanges);
    }

    [Fact]
    public void A_cns_atr_without_the_files_is_not_a_ts_cns()
    {
        var channel = new ScriptedChannel([0x90, 0x00], [0x6A, 0x82]);
        Assert.Throws<NotCnsCardException>(() => TsCnsReader.Read(channel, "test", TsCnsCardEmulator.CnsAtr));
    }

    [Theory]
    [InlineData("0000900000000001", "80380000900000000001")]
    [InlineData("0001200000123456", "80380001200000123456")]
    public void The_card_number_is_the_ts_prefix_and_the_sixteen_digits_of_ef_id_carta(string idCarta, string number)
    {
        Assert.Equal(number, CnsFiles.CardNumber(System.Text.Encoding.ASCII.GetBytes(idCarta)));
        Assert.Equal(idCarta, System.Text.Encoding.ASCII.GetString(CnsFiles.IdCarta(number)));
    }

    [Theory]
    [InlineData("000090000000000")]
    [InlineData("00009000000000A1")]
    [InlineData("1000900000000001")]
    public void Ef_id_carta_without_a_ts_number_is_refused(string idCarta) =>
        Assert.Throws<ReaderSdkException>(() => CnsFiles.CardNumber(System.Text.Encoding.ASCII.GetBytes(idCarta)));
}

public class PcscErrorTests
{
    [Theory]
    [InlineData(0x8010001Du, typeof(Cms.ReaderSdk.Pcsc.PcscServiceUnavailableException), "Il servizio PC/SC non è in esecuzione")]
    [InlineData(0x8010001Eu, typeof(Cms.ReaderSdk.Pcsc.PcscServiceUnavailableException), "Il servizio PC/SC non è in esecuzione")]
    [InlineData(0x8010002Eu, typeof(Cms.ReaderSdk.Pcsc.NoReaderException), "Nessun lettore di smart card collegato")]
    [InlineData(0x80100009u, typeof(Cms.ReaderSdk.Pcsc.NoReaderException), "Nessun lettore di smart card collegato")]
    [InlineData(0x8010000Cu, typeof(Cms.ReaderSdk.Pcsc.NoCardException), "Nessuna carta nel lettore")]
    [InlineData(0x80100069u, typeof(Cms.ReaderSdk.Pcsc.NoCardException), "Nessuna carta nel lettore")]
    [InlineData(0x80100016u, typeof(Cms.ReaderSdk.Pcsc.PcscException), "Errore del lettore durante la prova")]
    public void Scard_codes_become_typed_errors_with_italian_messages(uint code, Type type, string message)
    {
        var e = Cms.ReaderSdk.Pcsc.PcscException.From(code, "la prova");
        Assert.IsType(type, e);
        Assert.StartsWith(message, e.Message);
        Assert.Contains($"0x{code:X8}", e.Message);
    }

    [Fact]
    public void Only_the_answers_of_a_card_still_being_powered_are_tried_again()
    {
        Assert.True(Cms.ReaderSdk.Pcsc.PcscException.From(0x80100069, "x").IsTransient);  // removed (while being powered)
        Assert.True(Cms.ReaderSdk.Pcsc.PcscException.From(0x80100016, "x").IsTransient);  // not transacted
        Assert.False(Cms.ReaderSdk.Pcsc.PcscException.From(0x8010000C, "x").IsTransient); // no card at all
        Assert.False(Cms.ReaderSdk.Pcsc.PcscException.From(0x8010001D, "x").IsTransient); // no service
    }

    [Fact]
    public void Reader_lists_are_split_at_each_nul()
    {
        var names = Cms.ReaderSdk.Pcsc.MultiString.Parse("Virtual PCD 00 00\0Virtual PCD 00 01\0\0"u8, System.Text.Encoding.UTF8);
        Assert.Equal(["Virtual PCD 00 00", "Virtual PCD 00 01"], names);
        Assert.Empty(Cms.ReaderSdk.Pcsc.MultiString.Parse("\0"u8, System.Text.Encoding.UTF8));
    }
}
