using System.Net.Http.Headers;
using Cms.Client;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>The C# client generated from contracts/ alone drives a whole counter operation against the running API.</summary>
public class GeneratedClientTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380000900000044001";

    [Fact]
    public async Task Sign_in_identify_activate_and_confirm_through_the_generated_client()
    {
        await FeedAsync(Card(Number, pin: "13579", puk: "24682468", cip: "97531357"));
        var (_, cf, _) = await ActorAsync("Operator");
        var http = Factory.CreateClient();
        ICmsClient cms = new CmsClient(http);

        var token = await cms.CreateAccessTokenAsync(new SignInInput { CodiceFiscale = cf, Password = OperatorPassword });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);

        var card = await cms.IdentifyCardAsync(new CardIdentificationInput { CardNumber = Number });
        Assert.Equal(CardState.NOT_ACTIVE, card.State);
        Assert.Contains(CardOperation.ACTIVATION, card.AllowedOperations);

        var address = "client.test@example.it";
        var created = await cms.CreateActivationAsync(new ActivationRequestInput
        {
            CardNumber = Number, Mode = RequestMode.DIRECT, PrivacyConsent = true,
            Document = new DocumentInput
            {
                Type = DocumentType.CARTA_IDENTITA, Number = "CA7654321", IssuedBy = "Comune di Firenze",
                IssueDate = Iso(Today.AddYears(-1)), ExpiryDate = Iso(Today.AddYears(9)),
            },
            Delivery = new CodeDeliveryInput { Channel = DeliveryChannel.EMAIL, Email = address, EmailConfirmation = address },
        });
        Assert.Equal(RequestStatus.PENDING, created.Status);

        // Sign before confirm: without the form printed the client gets the problem; printed, the confirm says it was signed.
        var unsigned = await Assert.ThrowsAsync<CmsApiException<Problem>>(() => cms.ConfirmActivationAsync(created.Id));
        Assert.Equal("urn:cms:problem:form-not-printed", unsigned.Result.Type);
        Assert.Equal(["modulo-richiesta-codici"], created.Summary.Documents);
        using (var form = await cms.GetActivationDocumentAsync(created.Id, "modulo-richiesta-codici")) Assert.Equal(200, form.StatusCode);
        var confirmed = await cms.ConfirmActivationAsync(created.Id, new CodeReleaseConfirmationInput { FormPrintedAndSigned = true });
        Assert.Equal(RequestStatus.COMPLETED, confirmed.Status);
        Assert.Equal("13", confirmed.FirstHalves.Pin);
        Assert.Equal("2468", confirmed.FirstHalves.Puk);
        var mail = await Mailbox.WaitForAsync(Factory, address);
        Assert.Contains("Codice PIN: 579", mail.TextBody);

        // Problems arrive as typed exceptions carrying the problem's type.
        var problem = await Assert.ThrowsAsync<CmsApiException<Problem>>(() =>
            cms.IdentifyCardAsync(new CardIdentificationInput { CardNumber = "80380000900000099999" }));
        Assert.Equal(404, problem.StatusCode);
        Assert.Equal("urn:cms:problem:card-not-found", problem.Result.Type);
        var conflict = await Assert.ThrowsAsync<CmsApiException<Problem>>(() => cms.ConfirmActivationAsync(created.Id));
        Assert.Equal(409, conflict.StatusCode);
        Assert.Equal("urn:cms:problem:request-not-pending", conflict.Result.Type);
    }
}
