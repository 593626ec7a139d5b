namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>The bounding box of the ink in an image, in pixels; empty when there is no ink.</summary>
public readonly record struct InkBox(int X, int Y, int Width, int Height)
{
    public bool IsEmpty => Width <= 0 || Height <= 0;
}
