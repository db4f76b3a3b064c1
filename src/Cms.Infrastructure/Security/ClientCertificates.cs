using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Cms.Infrastructure.Security;

/// <summary>
/// What Cms reads of a CNS / TS-CNS authentication certificate: the holder's codice fiscale, from the subject's
/// <c>SERIALNUMBER</c> attribute only (OID 2.5.4.5, <c>TINIT-&lt;CF&gt;</c> or <c>IT:&lt;CF&gt;</c>, the CNS profile), and the
/// certificate's serial and issuer as the card feed carries them (decision 0032).
/// </summary>
public static class CnsCertificate
{
    public const string SerialNumberOid = "2.5.4.5";

    /// <summary>
    /// The codice fiscale of the subject's SERIALNUMBER, or null when there is none, it is not in a CNS form, its check
    /// character is wrong, or two SERIALNUMBER attributes disagree. A codice fiscale anywhere else (CN, OU…) is not used.
    /// </summary>
    public static string? CodiceFiscale(X500DistinguishedName subject)
    {
        string? found = null;
        try
        {
            foreach (var rdn in subject.EnumerateRelativeDistinguishedNames())
            {
                var set = new AsnReader(rdn.RawData, AsnEncodingRules.DER).ReadSetOf();
                while (set.HasData)
                {
                    var attribute = set.ReadSequence();
                    var type = attribute.ReadObjectIdentifier();
                    if (type != SerialNumberOid)
                    {
                        attribute.ReadEncodedValue();
                        continue;
                    }
                    var tag = attribute.PeekTag();
                    if (tag.TagClass != TagClass.Universal) return null;
                    var text = (UniversalTagNumber)tag.TagValue switch
                    {
                        UniversalTagNumber.PrintableString or UniversalTagNumber.UTF8String or UniversalTagNumber.IA5String =>
                            attribute.ReadCharacterString((UniversalTagNumber)tag.TagValue),
                        _ => null,
                    };
                    var cf = FromSerialNumber(text);
                    if (cf is null) continue;
                    if (found is not null && found != cf) return null;
                    found = cf;
                }
            }
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            return null;
        }
        return found;
    }

    /// <summary>The codice fiscale of a SERIALNUMBER value in the CNS forms <c>TINIT-CF</c> or <c>IT:CF</c>.</summary>
    public static string? FromSerialNumber(string? value)
    {
        if (value is null) return null;
        var cf = value.StartsWith("TINIT-", StringComparison.Ordinal) ? value[6..]
            : value.StartsWith("IT:", StringComparison.Ordinal) ? value[3..]
            : null;
        return cf is not null && Cms.Domain.Common.CodiceFiscale.IsValid(cf) ? cf : null;
    }

    /// <summary>The presented certificate's serial and issuer, normalised as the card feed's.</summary>
    public static (string Serial, string Issuer) Identity(X509Certificate2 certificate) =>
        (Cms.Domain.Identification.CertificateNames.NormalizeSerial(certificate.SerialNumber) ?? "0",
            Cms.Domain.Identification.CertificateNames.NormalizeIssuer(certificate.IssuerName.Name) ?? certificate.IssuerName.Name);
}

/// <summary>The outcome of checking a certificate against the configured offline revocation lists.</summary>
public enum RevocationVerdict
{
    /// <summary>No configured list of its issuer names it (or none covers its issuer).</summary>
    NotRevoked,
    /// <summary>A valid, fresh list of its issuer names its serial.</summary>
    Revoked,
    /// <summary>A list of its issuer (or a list whose issuer cannot be told) is unreadable, not signed by a trusted CA, or stale.</summary>
    Unknown,
}

/// <summary>One certificate revocation list (RFC 5280 §5), parsed: its issuer, dates, revoked serials and signature.</summary>
public sealed class RevocationList
{
    private RevocationList() { }

    public X500DistinguishedName Issuer { get; private init; } = null!;
    public DateTimeOffset ThisUpdate { get; private init; }
    public DateTimeOffset? NextUpdate { get; private init; }
    /// <summary>Revoked serials, normalised (<see cref="Cms.Domain.Identification.CertificateNames.NormalizeSerial"/>).</summary>
    public IReadOnlySet<string> RevokedSerials { get; private init; } = new HashSet<string>();
    private byte[] tbs = [];
    private string signatureAlgorithm = "";
    private byte[] signature = [];

    /// <summary>Reads a CRL, DER or PEM (<c>-----BEGIN X509 CRL-----</c>). Throws <see cref="AsnContentException"/> or <see cref="FormatException"/>.</summary>
    public static RevocationList Parse(byte[] content)
    {
        var der = content;
        var text = System.Text.Encoding.ASCII.GetString(content);
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            var fields = PemEncoding.Find(text);
            if (text[fields.Label] != "X509 CRL") throw new FormatException("not an X509 CRL PEM block");
            der = Convert.FromBase64String(text[fields.Base64Data]);
        }
        var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var tbsEncoded = outer.ReadEncodedValue().ToArray();
        var algorithm = outer.ReadSequence().ReadObjectIdentifier();
        var signatureValue = outer.ReadBitString(out _);

        var tbsReader = new AsnReader(tbsEncoded, AsnEncodingRules.DER).ReadSequence();
        if (tbsReader.PeekTag().HasSameClassAndValue(Asn1Tag.Integer)) tbsReader.ReadInteger(); // version v2
        tbsReader.ReadSequence(); // signature algorithm (repeated inside)
        var issuer = new X500DistinguishedName(tbsReader.ReadEncodedValue().Span);
        var thisUpdate = ReadTime(tbsReader);
        DateTimeOffset? nextUpdate = null;
        if (tbsReader.HasData && IsTime(tbsReader.PeekTag())) nextUpdate = ReadTime(tbsReader);
        var revoked = new HashSet<string>(StringComparer.Ordinal);
        if (tbsReader.HasData && tbsReader.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var entries = tbsReader.ReadSequence();
            while (entries.HasData)
            {
                var entry = entries.ReadSequence();
                var serial = entry.ReadIntegerBytes().ToArray();
                revoked.Add(Cms.Domain.Identification.CertificateNames.NormalizeSerial(Convert.ToHexString(serial)) ?? "0");
            }
        }
        return new RevocationList
        {
            Issuer = issuer, ThisUpdate = thisUpdate, NextUpdate = nextUpdate, RevokedSerials = revoked,
            tbs = tbsEncoded, signatureAlgorithm = algorithm, signature = signatureValue,
        };
    }

    /// <summary>Whether <paramref name="ca"/> (a CA allowed to sign CRLs) signed this list.</summary>
    public bool IsSignedBy(X509Certificate2 ca)
    {
        if (!SameName(ca.SubjectName, Issuer)) return false;
        if (ca.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.CrlSign))
            return false;
        HashAlgorithmName? hash = signatureAlgorithm switch
        {
            "1.2.840.10045.4.3.2" or "1.2.840.113549.1.1.11" => HashAlgorithmName.SHA256,
            "1.2.840.10045.4.3.3" or "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
            "1.2.840.10045.4.3.4" or "1.2.840.113549.1.1.13" => HashAlgorithmName.SHA512,
            _ => null,
        };
        if (hash is null) return false;
        try
        {
            if (signatureAlgorithm.StartsWith("1.2.840.10045.", StringComparison.Ordinal))
            {
                using var ecdsa = ca.GetECDsaPublicKey();
                return ecdsa is not null && ecdsa.VerifyData(tbs, signature, hash.Value, DSASignatureFormat.Rfc3279DerSequence);
            }
            using var rsa = ca.GetRSAPublicKey();
            return rsa is not null && rsa.VerifyData(tbs, signature, hash.Value, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public static bool SameName(X500DistinguishedName a, X500DistinguishedName b) =>
        a.RawData.AsSpan().SequenceEqual(b.RawData) || string.Equals(a.Name, b.Name, StringComparison.OrdinalIgnoreCase);

    private static bool IsTime(Asn1Tag tag) =>
        tag.HasSameClassAndValue(new Asn1Tag(UniversalTagNumber.UtcTime)) || tag.HasSameClassAndValue(new Asn1Tag(UniversalTagNumber.GeneralizedTime));

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(new Asn1Tag(UniversalTagNumber.UtcTime)) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}

/// <summary>
/// The offline CRL files of <c>Authentication:ClientCertificate:CrlFiles</c> (decision 0032): each is read again when it changes
/// on disk, and trusted only when signed by one of the trusted CAs (allowed to sign CRLs) and fresh (now before its
/// nextUpdate). A certificate whose issuer has such a list is refused when the list names its serial, and also when the
/// list cannot be trusted (unreadable, badly signed, stale): revocation that cannot be checked fails closed.
/// </summary>
public sealed class OfflineRevocationLists(IReadOnlyList<string> files, IReadOnlyList<X509Certificate2> trustedCas, TimeProvider clock,
    ILogger<OfflineRevocationLists> logger)
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, Loaded> cache = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    private sealed record Loaded(DateTime WrittenAt, long Length, RevocationList? List, bool Signed, string? Error);

    public bool Configured => files.Count > 0;

    /// <summary>The files that cannot be used now, each with why (for start-up and the logs).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var file in files)
        {
            var loaded = Load(file);
            if (loaded.Error is not null) problems.Add($"{file}: {loaded.Error}");
            else if (!loaded.Signed) problems.Add($"{file}: not signed by a CA of Authentication:ClientCertificate:TrustedCaFiles");
        }
        return problems;
    }

    public RevocationVerdict Check(X509Certificate2 certificate)
    {
        if (files.Count == 0) return RevocationVerdict.NotRevoked;
        var serial = Cms.Domain.Identification.CertificateNames.NormalizeSerial(certificate.SerialNumber) ?? "0";
        var now = clock.GetUtcNow();
        var verdict = RevocationVerdict.NotRevoked;
        foreach (var file in files)
        {
            var loaded = Load(file);
            if (loaded.List is null)
            {
                // Whose list it was cannot be told: no certificate is admitted until it is readable again.
                logger.LogWarning("Client certificate refused: the revocation list {File} cannot be read ({Reason}).", file, loaded.Error);
                return RevocationVerdict.Unknown;
            }
            var list = loaded.List;
            if (!RevocationList.SameName(list.Issuer, certificate.IssuerName)) continue;
            if (!loaded.Signed)
            {
                logger.LogWarning("Client certificate refused: the revocation list {File} is not signed by a trusted CA.", file);
                return RevocationVerdict.Unknown;
            }
            if (list.ThisUpdate > now + ClockSkew || list.NextUpdate is not { } next || next < now)
            {
                logger.LogWarning("Client certificate refused: the revocation list {File} is not current (this update {ThisUpdate:O}, next update {NextUpdate:O}).",
                    file, list.ThisUpdate, list.NextUpdate);
                return RevocationVerdict.Unknown;
            }
            if (list.RevokedSerials.Contains(serial)) verdict = RevocationVerdict.Revoked;
        }
        return verdict;
    }

    private Loaded Load(string file)
    {
        lock (gate)
        {
            FileInfo info;
            try
            {
                info = new FileInfo(file);
                if (!info.Exists) return Remember(file, new Loaded(default, -1, null, false, "file not found"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return new Loaded(default, -1, null, false, e.GetType().Name);
            }
            if (cache.TryGetValue(file, out var cached) && cached.WrittenAt == info.LastWriteTimeUtc && cached.Length == info.Length && cached.List is not null)
                return cached;
            try
            {
                var list = RevocationList.Parse(File.ReadAllBytes(file));
                var signed = trustedCas.Any(list.IsSignedBy);
                return Remember(file, new Loaded(info.LastWriteTimeUtc, info.Length, list, signed, null));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or AsnContentException or FormatException or CryptographicException)
            {
                return Remember(file, new Loaded(info.LastWriteTimeUtc, info.Length, null, false, "not a readable CRL"));
            }
        }
    }

    private Loaded Remember(string file, Loaded loaded)
    {
        cache[file] = loaded;
        return loaded;
    }
}
