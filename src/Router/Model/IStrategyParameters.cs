namespace EnsembleGrpc.Router.Model;

/// <summary>
/// What an arm's strategy prepared from the routing file when the config loaded (e.g. boosting's normalised weights,
/// stacking's loaded meta-model). Each strategy defines its own type in its own folder; the snapshot only carries it,
/// so that nothing is parsed, computed or looked up per request.
/// </summary>
public interface IStrategyParameters;
