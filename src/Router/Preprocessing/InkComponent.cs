namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>One 8-connected piece of ink: its area in pixels, its inclusive bounds, and whether it is kept (not a speck).</summary>
public readonly record struct InkComponent(int Area, int X0, int Y0, int X1, int Y1, bool Kept);
