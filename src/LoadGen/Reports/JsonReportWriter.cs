using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleGrpc.LoadGen.Reports;

/// <summary>The whole report as JSON (snake_case names, enums as strings), for tools and notebooks.</summary>
public static class JsonReportWriter
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Write(ProfileReport report) => JsonSerializer.Serialize(report, Options);
}
