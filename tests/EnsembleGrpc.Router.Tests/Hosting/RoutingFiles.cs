using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.Hosting;

/// <summary>Routing files for the process tests.</summary>
internal static class RoutingFiles
{
    /// <summary>Ensemble "mnist" with one member, mnist_cnn_1, at <paramref name="endpoint"/>.</summary>
    public static string OneMember(string endpoint) => $$"""
        {
          "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
          "ensembles": [ { "name": "mnist", "timeout_ms": 5000,
                           "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{endpoint}}"] } ],
                           "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] } ]
        }
        """;
}
