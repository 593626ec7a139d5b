using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EnsembleGrpc.Router.Tests.Functional.Rest;

/// <summary>REST request bodies and answers for the tests, written and read the way a curl or python user would.</summary>
internal static class RestJson
{
    public static JsonObject Request(string input, string datatype, long[] shape, IEnumerable<JsonNode?> data, string? strategy = null, string? id = null)
    {
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = input,
                ["datatype"] = datatype,
                ["shape"] = new JsonArray([.. shape.Select(d => (JsonNode?)d)]),
                ["data"] = new JsonArray([.. data]),
            }),
        };
        if (id is not null)
        {
            body["id"] = id;
        }

        if (strategy is not null)
        {
            body["parameters"] = new JsonObject { ["ensemble_strategy"] = strategy };
        }

        return body;
    }

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(HttpClient http, string path, JsonNode body) =>
        await SendAsync(http, path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(HttpClient http, string path, string body) =>
        await SendAsync(http, path, new StringContent(body, Encoding.UTF8, "application/json"));

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return (response, await ReadAsync(response));
    }

    /// <summary>The output's data as numbers, in order.</summary>
    public static double[] Data(JsonElement body, string output) =>
        [.. body.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == output)
            .GetProperty("data").EnumerateArray().Select(v => v.GetDouble())];

    public static string Error(JsonElement body) => body.GetProperty("error").GetString()!;

    private static async Task<(HttpResponseMessage Response, JsonElement Body)> SendAsync(HttpClient http, string path, HttpContent content)
    {
        var response = await http.PostAsync(new Uri(path, UriKind.Relative), content);
        return (response, await ReadAsync(response));
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0)
        {
            return default;
        }

        Assert.Equal(new MediaTypeHeaderValue("application/json").MediaType, response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
