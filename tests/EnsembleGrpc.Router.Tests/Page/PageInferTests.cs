using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace EnsembleGrpc.Router.Tests.Page;

/// <summary>
/// The page's infer over plain HTTP against real workers: the protocol's REST body in, the answer with every member's
/// probabilities and vote out, and the REST binding's statuses and messages for what is wrong.
/// </summary>
[Collection(PageClusterCollection.Name)]
public sealed class PageInferTests(PageCluster cluster)
{
    [Fact]
    public async Task The_answer_carries_each_members_probabilities_and_vote_beside_the_ensembles()
    {
        using var http = new HttpClient { BaseAddress = new Uri(cluster.HttpBase) };
        var labels = cluster.TestSet.Labels.AsSpan(0, 2).ToArray();
        using var response = await http.PostAsync("/page/api/models/mnist/infer", Body("UINT8", [2, 28, 28], cluster.TestSet.Images(0, 2).ToArray(), "stacking"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = answer.RootElement;

        Assert.Equal("stacking", root.GetProperty("strategy").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("arm").ValueKind); // reveal_arm is off
        Assert.False(root.GetProperty("fallback").GetBoolean());
        Assert.Equal(labels.Select(l => (int)l), root.GetProperty("predictions").EnumerateArray().Select(p => p.GetInt32()));
        Assert.True(root.GetProperty("latency_ms").GetDouble() > 0);
        var members = root.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(["mnist_cnn_1", "mnist_cnn_2", "mnist_cnn_3"], members.Select(m => m.GetProperty("name").GetString()));
        foreach (var member in members)
        {
            Assert.True(member.GetProperty("answered").GetBoolean());
            var rows = member.GetProperty("probabilities").EnumerateArray().Select(r => r.EnumerateArray().Select(p => p.GetSingle()).ToArray()).ToList();
            Assert.Equal(2, rows.Count);
            var votes = member.GetProperty("votes").EnumerateArray().Select(v => v.GetInt32()).ToList();
            for (int r = 0; r < 2; r++)
            {
                Assert.Equal(1.0, rows[r].Sum(), 3);
                Assert.Equal(Array.IndexOf(rows[r], rows[r].Max()), votes[r]);
            }
        }

        // An answered request is feedback's to score: it is in the ledger under the id the page shows.
        Assert.Equal(32, root.GetProperty("id").GetString()!.Length);
    }

    [Fact]
    public async Task Bad_requests_get_the_rest_bindings_statuses_and_messages()
    {
        using var http = new HttpClient { BaseAddress = new Uri(cluster.HttpBase) };
        using var wrongType = await http.PostAsync("/page/api/models/mnist/infer", Body("FP32", [1, 28, 28], new byte[28 * 28 * 4], null));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Contains("input 'image' must be UINT8; got FP32", await wrongType.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var unknownStrategy = await http.PostAsync("/page/api/models/mnist/infer", Body("UINT8", [1, 28, 28], new byte[784], "magic"));
        Assert.Equal(HttpStatusCode.BadRequest, unknownStrategy.StatusCode);
        Assert.Contains("unknown ensemble_strategy 'magic'", await unknownStrategy.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var unknownModel = await http.PostAsync("/page/api/models/fashion/infer", Body("UINT8", [1, 28, 28], new byte[784], null));
        Assert.Equal(HttpStatusCode.NotFound, unknownModel.StatusCode);

        using var notJson = await http.PostAsync("/page/api/models/mnist/infer", new StringContent("{", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    /// <summary>A KServe v2 JSON body with one input named image, its bytes as a JSON array of numbers.</summary>
    private static StringContent Body(string datatype, int[] shape, byte[] bytes, string? strategy)
    {
        var data = datatype == "UINT8" ? bytes.Select(b => (double)b) : Enumerable.Range(0, bytes.Length / 4).Select(i => (double)BitConverter.ToSingle(bytes, i * 4));
        string parameters = strategy is null ? "{}" : $"{{\"ensemble_strategy\": \"{strategy}\"}}";
        string json = $$"""{"parameters": {{parameters}}, "inputs": [{"name": "image", "datatype": "{{datatype}}", "shape": [{{string.Join(",", shape)}}], "data": [{{string.Join(",", data.Select(d => d.ToString(CultureInfo.InvariantCulture)))}}]}]}""";
        return new StringContent(json, Encoding.UTF8, "application/json");
    }
}
