using System.Text.Json;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Cms.Infrastructure.Persistence;

/// <summary>Stores enums as the same SCREAMING_SNAKE text the API uses (NOT_ACTIVE, REGIONAL_OFFICE).</summary>
public sealed class EnumText<T>() : ValueConverter<T, string>(v => ToText(v), v => FromText(v)) where T : struct, Enum
{
    private static readonly Dictionary<T, string> Names = Enum.GetValues<T>().ToDictionary(v => v, v => JsonNamingPolicy.SnakeCaseUpper.ConvertName(v.ToString()));
    private static readonly Dictionary<string, T> Values = Names.ToDictionary(p => p.Value, p => p.Key);

    public static string ToText(T value) => Names[value];
    public static T FromText(string text) => Values[text];
}

internal static class NamingExtensions
{
    public static string ToSnakeCase(this string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
