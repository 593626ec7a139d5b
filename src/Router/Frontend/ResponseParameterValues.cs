using System.Collections.Concurrent;
using EnsembleGrpc.Protocol;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>
/// The response parameters that take few values (strategy, arm, fallback flag, member count, the empty reason), made
/// once and shared by every response: the serialiser only reads them, and nothing in the router changes a message
/// after it is built. Only a fallback's reason is made per response.
/// </summary>
internal static class ResponseParameterValues
{
    private static readonly InferParameter True = new() { BoolParam = true };
    private static readonly InferParameter False = new() { BoolParam = false };
    private static readonly InferParameter Empty = new() { StringParam = "" };
    private static readonly InferParameter[] Counts = [.. Enumerable.Range(0, 17).Select(n => new InferParameter { Int64Param = n })];
    private static readonly ConcurrentDictionary<string, InferParameter> Strings = new(StringComparer.Ordinal);

    public static InferParameter Bool(bool value) => value ? True : False;

    public static InferParameter Count(int value) => value >= 0 && value < Counts.Length ? Counts[value] : new InferParameter { Int64Param = value };

    /// <summary>A name from the configuration (strategy, arm): a bounded set, so kept.</summary>
    public static InferParameter Name(string value) => Strings.GetOrAdd(value, static v => new InferParameter { StringParam = v });

    /// <summary>Free text (a fallback's reason): shared only when empty.</summary>
    public static InferParameter Text(string? value) => string.IsNullOrEmpty(value) ? Empty : new InferParameter { StringParam = value };
}
