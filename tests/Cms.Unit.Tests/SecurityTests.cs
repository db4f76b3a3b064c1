using Cms.Domain.Identification.Contracts;
using System.Security.Cryptography;
using System.Text;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Domain.Identification;
using Cms.Infrastructure.Security;
using Microsoft.Extensions.Options;

namespace Cms.Unit.Tests;

public class SecurityTests
{
    private static AesGcmCodeCipher Cipher(string active = "k1") => new(Options.Create(new CodeEncryptionOptions
    {
        ActiveKeyId = active,
        Keys = new() { ["k1"] = Convert.ToBase64String(new byte[32]), ["k2"] = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()) },
    }));

    [Fact]
    public void Codes_round_trip_and_the_ciphertext_does_not_show_them()
    {
        var cipher = Cipher();
        var sealedCodes = cipher.Seal("80380000900000000001", new CardCodes("12345", "87654321", "11223344"));
        Assert.Equal("k1", sealedCodes.KeyId);
        var text = Encoding.ASCII.GetString(sealedCodes.Ciphertext);
        Assert.DoesNotContain("12345", text);
        Assert.DoesNotContain("87654321", text);
        Assert.Equal(new CardCodes("12345", "87654321", "11223344"), cipher.Open("80380000900000000001", sealedCodes));
    }

    [Fact]
    public void Two_seals_of_the_same_codes_differ()
    {
        var cipher = Cipher();
        var a = cipher.Seal("80380000900000000001", new CardCodes("12345", "87654321", "11223344"));
        var b = cipher.Seal("80380000900000000001", new CardCodes("12345", "87654321", "11223344"));
        Assert.NotEqual(a.Ciphertext, b.Ciphertext);
    }

    [Fact]
    public void A_ciphertext_moved_to_another_card_or_altered_does_not_open()
    {
        var cipher = Cipher();
        var sealedCodes = cipher.Seal("80380000900000000001", new CardCodes("12345", "87654321", "11223344"));
        Assert.ThrowsAny<CryptographicException>(() => cipher.Open("80380000900000000002", sealedCodes));
        var altered = sealedCodes.Ciphertext.ToArray();
        altered[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => cipher.Open("80380000900000000001", sealedCodes with { Ciphertext = altered }));
    }

    [Fact]
    public void Old_keys_still_open_after_rotation()
    {
        var sealedCodes = Cipher("k1").Seal("80380000900000000001", new CardCodes("12345", "87654321", "11223344"));
        var rotated = Cipher("k2");
        Assert.Equal("k2", rotated.ActiveKeyId);
        Assert.Equal("12345", rotated.Open("80380000900000000001", sealedCodes).Pin);
    }

    [Fact]
    public void A_development_key_ring_is_generated_once_with_owner_only_access()
    {
        var file = Path.Combine(Path.GetTempPath(), $"cms-keys-{Guid.NewGuid():N}", "ring.json");
        var options = Options.Create(new CodeEncryptionOptions { KeyRingFile = file, GenerateIfMissing = true });
        var first = new AesGcmCodeCipher(options);
        var sealedCodes = first.Seal("80380000900000000001", new CardCodes("12345", "87654321", "11223344"));
        var second = new AesGcmCodeCipher(options);
        Assert.Equal("12345", second.Open("80380000900000000001", sealedCodes).Pin);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public void Without_a_key_the_cipher_refuses_to_start() =>
        Assert.Throws<InvalidOperationException>(() => new AesGcmCodeCipher(Options.Create(new CodeEncryptionOptions())));

    [Fact]
    public void Passwords_hash_with_salt_and_verify()
    {
        var hasher = new Pbkdf2PasswordHasher(Options.Create(new PasswordHashingOptions { Iterations = 1000 }));
        var a = hasher.Hash("Correct-Horse-42");
        var b = hasher.Hash("Correct-Horse-42");
        Assert.NotEqual(a, b);
        Assert.DoesNotContain("Correct-Horse-42", a);
        Assert.Equal(PasswordCheck.Right, hasher.Verify(a, "Correct-Horse-42"));
        Assert.Equal(PasswordCheck.Wrong, hasher.Verify(a, "Correct-Horse-43"));
        Assert.Equal(PasswordCheck.Wrong, hasher.Verify("garbage", "Correct-Horse-42"));
        var stronger = new Pbkdf2PasswordHasher(Options.Create(new PasswordHashingOptions { Iterations = 2000 }));
        Assert.Equal(PasswordCheck.RightButRehash, stronger.Verify(a, "Correct-Horse-42"));
    }

    [Fact]
    public void Codes_never_print_themselves()
    {
        Assert.DoesNotContain("12345", new CardCodes("12345", "87654321", "11223344").ToString());
        Assert.DoesNotContain("12345", new CardFeedCodes { Pin = "12345" }.ToString());
    }
}
