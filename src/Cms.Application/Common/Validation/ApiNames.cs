using System.Text.Json;

namespace Cms.Application.Common.Validation;

/// <summary>Enum values as the API writes them (SNAKE_CASE, e.g. MANCATO_RECAPITO), for payloads sent to other systems.</summary>
public static class ApiNames
{
    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseUpper.ConvertName(value.ToString());
}
