using System.Text.Json;

namespace Cms.Application.Common.Validation;

/// <summary>Enum values as the API writes them (SNAKE_CASE, e.g. MANCATO_RECAPITO), for payloads sent to other systems.</summary>
public static class ApiNames
{
    /// <summary>JSON as the API reads and writes it (camelCase, enums in SNAKE_CASE): for bodies exchanged with other Cms.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false) },
    };

    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseUpper.ConvertName(value.ToString());

    /// <summary>Reads an enum value as the API writes it (query strings: <c>type=READER_DELIVERY</c>).</summary>
    public static T? Parse<T>(string? text) where T : struct, Enum =>
        text is null ? null : Enum.GetValues<T>().Cast<T?>().FirstOrDefault(v => Of(v!.Value) == text.ToUpperInvariant());

    public static bool IsValid<T>(string? text) where T : struct, Enum => text is null || Parse<T>(text) is not null;
}
