using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Cms.Infrastructure.Interop.Modi;

/// <summary>
/// Section <c>Interop:Signing</c>: this region's ModI signing key and certificate (decision 0059), either a PEM certificate file
/// (the leaf first, then its intermediates) with a PEM private key file, or a PKCS#12 file with its password. The files are
/// read again when they change: rotating is replacing them (after the peers have registered the new certificate or its CA).
/// </summary>
public sealed class SigningIdentityOptions
{
    public const string Section = "Interop:Signing";
    public string? CertificatePath { get; set; }
    public string? KeyPath { get; set; }
    public string? Pkcs12Path { get; set; }
    public string? Pkcs12Password { get; set; }

    public bool Configured => Pkcs12Path is not null || (CertificatePath is not null && KeyPath is not null);
}

/// <summary>This region's signing identity as loaded: the leaf with its private key, the x5c chain, the credentials.</summary>
public sealed record SigningIdentity(X509Certificate2 Certificate, IReadOnlyList<string> X5c, SigningCredentials Credentials);

/// <summary>Thrown when a ModI signature is asked for and no identity is configured or readable.</summary>
public sealed class SigningIdentityMissingException(string message) : Exception(message);

/// <summary>Loads <see cref="SigningIdentityOptions"/>' files, and again whenever one of them changes on disk.</summary>
public sealed class RegionSigningIdentity(IOptions<SigningIdentityOptions> options)
{
    private readonly Lock gate = new();
    private (string Stamp, SigningIdentity Identity)? loaded;

    public bool Configured => options.Value.Configured;

    public SigningIdentity Current
    {
        get
        {
            var o = options.Value;
            if (!o.Configured) throw new SigningIdentityMissingException("Interop:Signing is not configured (certificate and key, or PKCS#12).");
            var stamp = Stamp(o);
            lock (gate)
            {
                if (loaded is { } l && l.Stamp == stamp) return l.Identity;
                var identity = Load(o);
                loaded = (stamp, identity);
                return identity;
            }
        }
    }

    /// <summary>Each file's modification time and length: any change of either (even to an older time, as <c>cp -p</c> makes) reloads.</summary>
    private static string Stamp(SigningIdentityOptions o) =>
        string.Join('|', new[] { o.Pkcs12Path, o.CertificatePath, o.KeyPath }.Where(p => p is not null)
            .Select(p => new FileInfo(p!) is { Exists: true } f ? $"{f.LastWriteTimeUtc.Ticks}:{f.Length}" : "-"));

    private static SigningIdentity Load(SigningIdentityOptions o)
    {
        X509Certificate2 leaf;
        var chain = new List<X509Certificate2>();
        try
        {
            if (o.Pkcs12Path is not null)
            {
                var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(o.Pkcs12Path, o.Pkcs12Password, X509KeyStorageFlags.EphemeralKeySet);
                leaf = all.Single(c => c.HasPrivateKey);
                chain.AddRange(all.Where(c => !c.HasPrivateKey && !ReferenceEquals(c, leaf)));
            }
            else
            {
                var certificates = new X509Certificate2Collection();
                certificates.ImportFromPemFile(o.CertificatePath!);
                if (certificates.Count == 0) throw new CryptographicException("no certificate");
                leaf = X509Certificate2.CreateFromPemFile(o.CertificatePath!, o.KeyPath);
                chain.AddRange(certificates.Skip(1));
            }
        }
        catch (Exception e) when (e is CryptographicException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            // The exception's text may name a path, never key material.
            throw new SigningIdentityMissingException($"Interop:Signing cannot be read ({e.GetType().Name}).");
        }
        SigningCredentials credentials = leaf.GetRSAPrivateKey() is not null
            ? new X509SigningCredentials(leaf, SecurityAlgorithms.RsaSha256)
            : leaf.GetECDsaPrivateKey() is { } ec
                ? new SigningCredentials(new ECDsaSecurityKey(ec) { KeyId = leaf.Thumbprint }, ec.KeySize switch
                {
                    384 => SecurityAlgorithms.EcdsaSha384,
                    521 => SecurityAlgorithms.EcdsaSha512,
                    _ => SecurityAlgorithms.EcdsaSha256,
                })
                : throw new SigningIdentityMissingException("Interop:Signing: the key is neither RSA nor ECDSA.");
        var x5c = new[] { leaf }.Concat(chain).Select(c => Convert.ToBase64String(c.RawData)).ToList();
        return new SigningIdentity(leaf, x5c, credentials);
    }
}
