namespace EnsembleGrpc.LoadGen.Backend;

/// <summary>One input or output as the server's ModelMetadata describes it; -1 in <see cref="Shape"/> is a variable dimension.</summary>
public sealed record TensorInfo(string Name, string Datatype, IReadOnlyList<long> Shape)
{
    public override string ToString() => $"{Name} {Datatype} [{string.Join(',', Shape)}]";
}
