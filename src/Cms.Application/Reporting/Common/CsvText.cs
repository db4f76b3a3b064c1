namespace Cms.Application.Reporting.Common;

/// <summary>CSV cells for Italian spreadsheets (separator ;): quoted when needed; a value that could start a formula is neutralised.</summary>
public static class CsvText
{
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var v = value.Replace("\"", "\"\"", StringComparison.Ordinal);
        var risky = v[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        return v.IndexOfAny([';', '"', '\n', '\r']) >= 0 || risky ? $"\"{(risky ? "'" : "")}{v}\"" : v;
    }
}
