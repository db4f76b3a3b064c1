using System.Text.Json;

namespace Cms.Architecture.Tests;

/// <summary>
/// The garbage collector's settings the API ships in its runtimeconfig (issue 29, decisions 0061 and 0064). The activations
/// benchmark measures what they are for (no generation-2 collections set off by forms; resident memory ≤ 300 MB under load);
/// this keeps them from being lost from the build unnoticed.
/// </summary>
public class RuntimeSettingsTests
{
    [Theory]
    [InlineData("System.GC.LOHThreshold", 2_097_152)]
    [InlineData("System.GC.Gen0MaxBudget", 16_777_216)]
    public void The_API_ships_its_GC_settings(string name, long value)
    {
        var file = Path.Combine(AppContext.BaseDirectory, "Cms.Api.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(file));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.True(properties.TryGetProperty(name, out var setting), $"{name} is missing from Cms.Api.runtimeconfig.json");
        Assert.Equal(value, setting.GetInt64());
    }
}
