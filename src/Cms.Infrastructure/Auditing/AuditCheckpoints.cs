using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cms.Infrastructure.Auditing;

/// <summary>Signed checkpoints of the chain's head (section <c>Audit</c>, decision 0028).</summary>
public sealed class AuditCheckpointOptions
{
    /// <summary>
    /// PEM file of the ECDSA P-256 private key (PKCS#8) that signs the checkpoints, kept outside the database. Without it the
    /// chainer signs nothing; generated when missing and <see cref="CheckpointGenerateIfMissing"/> (development).
    /// </summary>
    public string? CheckpointSigningKeyFile { get; set; }

    public bool CheckpointGenerateIfMissing { get; set; }

    /// <summary>PEM file of the public key the checkpoints are verified with; derived from the private key when only that is given.</summary>
    public string? CheckpointPublicKeyFile { get; set; }

    /// <summary>The append-only folder the checkpoints are written to (one file each, never overwritten) and read from.</summary>
    public string? CheckpointFolder { get; set; }

    /// <summary>Optional: each checkpoint is also sent (POST, JSON) to this URL, e.g. a log collector the database's admins cannot write.</summary>
    public string? CheckpointUrl { get; set; }

    public int CheckpointEveryEntries { get; set; } = 1000;

    public int CheckpointEveryMinutes { get; set; } = 5;

    /// <summary>
    /// After a point-in-time restore (decision 0056): the time the database was restored to (T). Written into the trail once at
    /// start-up (<see cref="AuditRestoreDeclaration"/>); the checkpoints that cover entries after T, signed up to
    /// <see cref="RestoredAt"/>, and no longer match are reported as the declared restore gap — only while no chained entry lies
    /// inside the window. Checkpoints signed afterwards are named per restore generation. Set with <see cref="RestoredAt"/> or not at all.
    /// </summary>
    public DateTimeOffset? RestoredTo { get; set; }

    /// <summary>When the restored database was put into service: checkpoints signed after it are checked as usual.</summary>
    public DateTimeOffset? RestoredAt { get; set; }
}

/// <summary>Audit:RestoredTo and Audit:RestoredAt come together, the first not after the second, and not in the future.</summary>
public sealed class AuditCheckpointOptionsValidator : IValidateOptions<AuditCheckpointOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditCheckpointOptions options)
    {
        if (options.RestoredTo is null && options.RestoredAt is null) return ValidateOptionsResult.Success;
        if (options.RestoredTo is null || options.RestoredAt is null)
            return ValidateOptionsResult.Fail("Audit:RestoredTo and Audit:RestoredAt are set together (after a point-in-time restore) or not at all.");
        if (options.RestoredTo > options.RestoredAt)
            return ValidateOptionsResult.Fail("Audit:RestoredTo (the time restored to) must not be after Audit:RestoredAt (when the restore was done).");
        if (options.RestoredAt > TimeProvider.System.GetUtcNow().AddMinutes(5))
            return ValidateOptionsResult.Fail("Audit:RestoredAt is in the future.");
        return ValidateOptionsResult.Success;
    }
}

/// <summary>
/// One signed checkpoint: the chain's head (position and hash) at a time, the time of the entry at that position, and the
/// key that signed (the first 16 hex digits of the SHA-256 of its public key). The signature (ECDSA P-256, SHA-256, IEEE P1363,
/// base64) covers <see cref="SignedText"/>.
/// </summary>
public sealed record AuditCheckpoint(string Format, long ChainIndex, string Hash, DateTimeOffset? LastEntryAt, DateTimeOffset SignedAt,
    string KeyId, string Signature)
{
    public const string CurrentFormat = "cms-audit-checkpoint-1";

    public string SignedText() => string.Join('|', Format, ChainIndex.ToString(CultureInfo.InvariantCulture), Hash,
        LastEntryAt?.ToString("O", CultureInfo.InvariantCulture) ?? "~", SignedAt.ToString("O", CultureInfo.InvariantCulture), KeyId);

    public string FileName => FileNameFor(ChainIndex);

    public static string FileNameFor(long chainIndex) => $"checkpoint-{chainIndex.ToString("D19", CultureInfo.InvariantCulture)}.json";

    /// <summary>
    /// The file name of a checkpoint signed after a declared restore (decision 0056): unique per restore generation, so a position a
    /// lost checkpoint took can be signed again — the lost file stays, in the declared gap, beside the new one.
    /// </summary>
    public static string FileNameFor(long chainIndex, DateTimeOffset? restoredAt) => restoredAt is not { } at ? FileNameFor(chainIndex)
        : $"checkpoint-{chainIndex.ToString("D19", CultureInfo.InvariantCulture)}-r{at.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}.json";
}

/// <summary>The checkpoint keys, read (or, in development, generated) once from the files named in the settings.</summary>
public sealed class AuditCheckpointKeys : IDisposable
{
    private readonly ECDsa? signingKey;
    private readonly ECDsa? publicKey;

    public AuditCheckpointKeys(IOptions<AuditCheckpointOptions> options)
    {
        var o = options.Value;
        if (!string.IsNullOrEmpty(o.CheckpointSigningKeyFile))
        {
            if (!File.Exists(o.CheckpointSigningKeyFile) && o.CheckpointGenerateIfMissing) Generate(o.CheckpointSigningKeyFile);
            signingKey = Load(o.CheckpointSigningKeyFile, "Audit:CheckpointSigningKeyFile");
        }
        publicKey = !string.IsNullOrEmpty(o.CheckpointPublicKeyFile) ? Load(o.CheckpointPublicKeyFile, "Audit:CheckpointPublicKeyFile")
            : signingKey is null ? null : PublicPart(signingKey);
        if (publicKey is not null) KeyId = Convert.ToHexStringLower(SHA256.HashData(publicKey.ExportSubjectPublicKeyInfo()))[..16];
    }

    /// <summary>True when this instance signs checkpoints.</summary>
    public bool CanSign => signingKey is not null;

    /// <summary>True when checkpoints can be verified (a public key is configured or derived).</summary>
    public bool CanVerify => publicKey is not null;

    public string? KeyId { get; }

    public AuditCheckpoint Sign(long chainIndex, string hash, DateTimeOffset? lastEntryAt, DateTimeOffset signedAt)
    {
        if (signingKey is null) throw new InvalidOperationException("No checkpoint signing key: set Audit:CheckpointSigningKeyFile.");
        var unsigned = new AuditCheckpoint(AuditCheckpoint.CurrentFormat, chainIndex, hash, lastEntryAt?.ToUniversalTime(),
            signedAt.ToUniversalTime(), KeyId!, "");
        var signature = signingKey.SignData(Encoding.UTF8.GetBytes(unsigned.SignedText()), HashAlgorithmName.SHA256);
        return unsigned with { Signature = Convert.ToBase64String(signature) };
    }

    public bool Verify(AuditCheckpoint checkpoint)
    {
        if (publicKey is null || checkpoint.Format != AuditCheckpoint.CurrentFormat) return false;
        Span<byte> signature = stackalloc byte[128];
        return Convert.TryFromBase64String(checkpoint.Signature, signature, out var length)
               && publicKey.VerifyData(Encoding.UTF8.GetBytes(checkpoint.SignedText()), signature[..length], HashAlgorithmName.SHA256);
    }

    private static void Generate(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var writer = new StreamWriter(stream);
        writer.Write(key.ExportPkcs8PrivateKeyPem());
    }

    private static ECDsa Load(string file, string setting)
    {
        if (!File.Exists(file)) throw new InvalidOperationException($"{setting}: the file does not exist.");
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(file));
        }
        catch (ArgumentException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{setting}: not a PEM ECDSA key.");
        }
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new InvalidOperationException($"{setting}: the key must be ECDSA P-256.");
        }
        return key;
    }

    private static ECDsa PublicPart(ECDsa key)
    {
        var copy = ECDsa.Create();
        copy.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        return copy;
    }

    public void Dispose()
    {
        signingKey?.Dispose();
        publicKey?.Dispose();
    }
}

/// <summary>Where the checkpoints go: the folder (and the URL) of the settings.</summary>
public interface IAuditCheckpointSink
{
    Task WriteAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken);
}

/// <summary>
/// An append-only folder of checkpoints: one file per position, written under a temporary name, flushed to the disk and then
/// linked under its own name only if that name is free — a file is never overwritten, and two instances writing the same
/// position leave one whole file.
/// </summary>
public static class AuditCheckpointFolder
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Serialize(AuditCheckpoint checkpoint) => JsonSerializer.Serialize(checkpoint, Json);

    /// <summary>Writes the checkpoint (under its own name, or <paramref name="fileName"/>); false when the folder holds that name already (kept as it is).</summary>
    public static async Task<bool> WriteAsync(string folder, AuditCheckpoint checkpoint, CancellationToken cancellationToken, string? fileName = null)
    {
        Directory.CreateDirectory(folder);
        fileName ??= checkpoint.FileName;
        var target = Path.Combine(folder, fileName);
        if (File.Exists(target)) return false;
        var temporary = Path.Combine(folder, $".{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(Serialize(checkpoint)), cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            // Without overwrite the move fails when the name is taken (on Linux .NET links the new name, which is atomic).
            File.Move(temporary, target, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(target))
        {
            return false;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Every checkpoint of the folder by position; a file that cannot be read is returned by name as unreadable.</summary>
    public static (List<AuditCheckpoint> Checkpoints, List<string> Unreadable) Read(string folder)
    {
        var checkpoints = new List<AuditCheckpoint>();
        var unreadable = new List<string>();
        if (!Directory.Exists(folder)) return (checkpoints, unreadable);
        foreach (var file in Directory.EnumerateFiles(folder, "checkpoint-*.json"))
        {
            try
            {
                var checkpoint = JsonSerializer.Deserialize<AuditCheckpoint>(File.ReadAllText(file), Json);
                if (checkpoint is { Hash: not null, Signature: not null, KeyId: not null, Format: not null }) checkpoints.Add(checkpoint);
                else unreadable.Add(Path.GetFileName(file));
            }
            catch (JsonException)
            {
                unreadable.Add(Path.GetFileName(file));
            }
        }
        checkpoints.Sort((a, b) => a.ChainIndex != b.ChainIndex ? a.ChainIndex.CompareTo(b.ChainIndex) : a.SignedAt.CompareTo(b.SignedAt));
        return (checkpoints, unreadable);
    }
}

/// <summary>Writes each checkpoint to the configured folder and, when configured, POSTs it to the configured URL.</summary>
public sealed class ConfiguredCheckpointSink(IOptions<AuditCheckpointOptions> options, IHttpClientFactory httpClients,
    ILogger<ConfiguredCheckpointSink> logger) : IAuditCheckpointSink
{
    public const string HttpClientName = "audit-checkpoints";

    public async Task WriteAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!string.IsNullOrEmpty(o.CheckpointFolder))
            await AuditCheckpointFolder.WriteAsync(o.CheckpointFolder, checkpoint, cancellationToken, AuditCheckpoint.FileNameFor(checkpoint.ChainIndex, o.RestoredAt));
        if (string.IsNullOrEmpty(o.CheckpointUrl)) return;
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).PostAsJsonAsync(o.CheckpointUrl, checkpoint, cancellationToken);
            if (!response.IsSuccessStatusCode)
                logger.LogWarning("Audit checkpoint {ChainIndex}: the checkpoint endpoint answered {Status}", checkpoint.ChainIndex, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning("Audit checkpoint {ChainIndex}: the checkpoint endpoint is unreachable ({ExceptionType})", checkpoint.ChainIndex,
                e.GetType().Name);
        }
    }
}
