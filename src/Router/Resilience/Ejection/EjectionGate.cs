namespace EnsembleGrpc.Router.Resilience.Ejection;

/// <summary>What an endpoint's ejection state lets a call do.</summary>
public enum EjectionGate
{
    /// <summary>Not ejected: a normal call.</summary>
    Open,

    /// <summary>Its ejection time is up: this call is the probe that readmits it or ejects it again.</summary>
    Probe,

    /// <summary>Ejected (or its probe is still out): no call.</summary>
    Ejected,
}
