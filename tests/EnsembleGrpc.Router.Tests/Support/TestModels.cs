using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Tests.Support;

/// <summary>Hand-made snapshots for unit tests.</summary>
internal static class TestModels
{
    public static MemberModel Member(string name, double? error = null, double? accuracy = null, params string[] endpoints) => new()
    {
        Name = name,
        Model = name,
        Version = "",
        Endpoints = endpoints.Length > 0 ? endpoints : [$"http://127.0.0.1:1/{name}"],
        ValidationError = error,
        ValidationAccuracy = accuracy,
    };

    public static ArmModel Arm(string name, string strategy, int weight, IReadOnlyList<MemberModel> members) => new()
    {
        Name = name,
        Strategy = strategy,
        Weight = weight,
        Members = members,
    };

    public static EnsembleModel EnsembleOf(IReadOnlyList<MemberModel> members, IReadOnlyList<ArmModel> arms, int quorum = 1, TimeSpan? timeout = null) => new()
    {
        Name = "mnist",
        Members = members,
        Arms = arms,
        Quorum = quorum,
        RevealArm = false,
        MaxBatchSize = 64,
        Timeout = timeout ?? TimeSpan.FromSeconds(1),
        Breaker = new BreakerModel
        {
            FailureRatio = 0.5,
            MinimumThroughput = 4,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(30),
        },
    };

    /// <summary>One row of 10 probabilities: <paramref name="top"/> gets <paramref name="p"/>, the rest share 1 − p.</summary>
    public static float[] Row(int top, float p)
    {
        var row = new float[10];
        for (int i = 0; i < 10; i++)
        {
            row[i] = i == top ? p : (1 - p) / 9;
        }

        return row;
    }

    public static float[] Rows(params float[][] rows) => rows.SelectMany(r => r).ToArray();
}
