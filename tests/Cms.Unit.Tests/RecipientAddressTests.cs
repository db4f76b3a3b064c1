using Cms.Domain.Requests;

namespace Cms.Unit.Tests;

/// <summary>One recipient however it is typed (decision 0034): what the shared-recipient check compares.</summary>
public class RecipientAddressTests
{
    [Theory]
    [InlineData("Mario.Rossi@gmail.com", "mariorossi@gmail.com")]
    [InlineData("m.a.r.i.o.rossi+codici@GMAIL.COM", "mariorossi@gmail.com")]
    [InlineData("mariorossi+a+b@gmail.com", "mariorossi@gmail.com")]
    [InlineData("mario.rossi@googlemail.com", "mariorossi@gmail.com")]
    [InlineData("  MarioRossi+x@GoogleMail.com  ", "mariorossi@gmail.com")]
    [InlineData("mariorossi@gmail.com.", "mariorossi@gmail.com")]
    public void Gmail_ignores_case_dots_and_plus_tags_and_googlemail_is_gmail(string typed, string expected) =>
        Assert.Equal(expected, RecipientAddresses.NormaliseEmail(typed));

    [Theory]
    [InlineData("Mario.Rossi+codici@Outlook.com", "mario.rossi@outlook.com")]
    [InlineData("mario.rossi+x@hotmail.it", "mario.rossi@hotmail.it")]
    [InlineData("mario.rossi+x@live.com", "mario.rossi@live.com")]
    [InlineData("mario+x@proton.me", "mario@proton.me")]
    [InlineData("mario+x@fastmail.com", "mario@fastmail.com")]
    public void Providers_with_plus_addressing_lose_the_tag_but_keep_the_dots(string typed, string expected) =>
        Assert.Equal(expected, RecipientAddresses.NormaliseEmail(typed));

    [Theory]
    [InlineData("Mario.Rossi+codici@Libero.IT", "mario.rossi+codici@libero.it")]
    [InlineData("m.rossi@ASL.Toscana.IT", "m.rossi@asl.toscana.it")]
    [InlineData("mario.rossi-x@yahoo.it", "mario.rossi-x@yahoo.it")]
    [InlineData("mario+x@pec.it", "mario+x@pec.it")]
    public void Unknown_providers_are_compared_without_case_and_nothing_else(string typed, string expected) =>
        Assert.Equal(expected, RecipientAddresses.NormaliseEmail(typed));

    [Fact]
    public void Different_mailboxes_stay_different()
    {
        Assert.NotEqual(RecipientAddresses.NormaliseEmail("mario.rossi@outlook.com"), RecipientAddresses.NormaliseEmail("mariorossi@outlook.com"));
        Assert.NotEqual(RecipientAddresses.NormaliseEmail("mario@gmail.com"), RecipientAddresses.NormaliseEmail("mario@libero.it"));
        Assert.NotEqual(RecipientAddresses.NormaliseEmail("mario+x@libero.it"), RecipientAddresses.NormaliseEmail("mario@libero.it"));
        // A local part that is only a tag is not a tag of anything.
        Assert.Equal("+x@gmail.com", RecipientAddresses.NormaliseEmail("+x@gmail.com"));
    }

    [Theory]
    [InlineData("+393331234567")]
    [InlineData("+39 333 123 4567")]
    [InlineData("0039 333 1234567")]
    [InlineData("00393331234567")]
    [InlineData("3331234567")]
    [InlineData("333-123.45.67")]
    [InlineData("(333) 123 4567")]
    [InlineData("393331234567")]
    [InlineData("+39 (333) 123-4567")]
    public void Mobile_numbers_become_e164(string typed) =>
        Assert.Equal("+393331234567", RecipientAddresses.NormaliseMobile(typed));

    [Theory]
    [InlineData("333123456", "+39333123456")] // nine-digit Italian mobiles exist
    [InlineData("0041 79 123 45 67", "+41791234567")]
    [InlineData("+44 7700 900123", "+447700900123")]
    public void Other_numbers_keep_their_digits_in_e164(string typed, string expected) =>
        Assert.Equal(expected, RecipientAddresses.NormaliseMobile(typed));

    [Fact]
    public void A_delivery_is_normalised_by_its_channel()
    {
        Assert.Equal("mariorossi@gmail.com", RecipientAddresses.Normalise(new DeliveryAddress(DeliveryChannel.Email, "Mario.Rossi+x@gmail.com", null)));
        Assert.Equal("+393331234567", RecipientAddresses.Normalise(new DeliveryAddress(DeliveryChannel.Sms, null, "0039 333 1234567")));
    }

    [Theory]
    [InlineData("mariorossi@gmail.com", "m***@gmail.com")]
    [InlineData("+393331234567", "+39333****567")]
    [InlineData("123", "***")]
    public void What_is_shown_of_an_address_is_masked(string recipient, string shown) =>
        Assert.Equal(shown, RecipientAddresses.Mask(recipient));
}
