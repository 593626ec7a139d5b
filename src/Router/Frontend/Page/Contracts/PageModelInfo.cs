namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary>One virtual model: the strategies a request may name (its arms', in file order) and its members.</summary>
public sealed record PageModelInfo(string Name, IReadOnlyList<string> Strategies, IReadOnlyList<string> Members, int MaxBatchSize);
