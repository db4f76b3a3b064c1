using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cms.Client;

public partial class CmsClient
{
    /// <summary>
    /// Enum values travel as the API writes them (NOT_ACTIVE, DIRECT…), also inside lists, where the generated
    /// per-property converters do not reach.
    /// </summary>
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) =>
        settings.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
}
