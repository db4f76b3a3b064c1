using System.Text.Json;

namespace Cms.Application.Common.Validation;

/// <summary>Enum values as the API writes them (SNAKE_CASE, e.g. MANCATO_RECAPITO), for payloads sent to other systems.</summary>
public static class ApiNames
{
    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseUpper.ConvertName(value.ToString());

    /// <summary>Reads an enum value as the API writes it (query strings: <c>type=READER_DELIVERY</c>).</summary>
    public static T? Parse<T>(string? text) where T : struct, Enum =>
        text is null ? null : Enum.GetValues<T>().Cast<T?>().FirstOrDefault(v => Of(v!.Value) == text.ToUpperInvariant());

    public static bool IsValid<T>(string? text) where T : struct, Enum => text is null || Parse<T>(text) is not null;
}
