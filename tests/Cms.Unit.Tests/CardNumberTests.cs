using Cms.Domain.Common;

namespace Cms.Unit.Tests;

public class CardNumberTests
{
    [Theory]
    [InlineData("80380000900000000001")]
    [InlineData("80380002001234567890")]
    public void Accepts_twenty_digits_starting_80380(string value) => Assert.True(CardNumber.IsValid(value));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("8038000090000000001")]    // 19 digits
    [InlineData("803800009000000000011")]  // 21 digits
    [InlineData("80390000900000000001")]   // wrong prefix
    [InlineData("8038000090000000000A")]
    [InlineData("80380 00090000000001")]
    public void Refuses_anything_else(string? value) => Assert.False(CardNumber.IsValid(value));

    [Fact]
    public void Reads_the_region_and_normalises_typed_numbers()
    {
        Assert.Equal("090", CardNumber.RegionCode("80380000900000000001"));
        Assert.Equal("200", CardNumber.RegionCode("80380002001234567890"));
        Assert.Equal("80380000900000000001", CardNumber.Normalise(" 8038000 09000-0000-0001 "));
        Assert.Equal("00001", CardNumber.Last5("80380000900000000001"));
    }
}
