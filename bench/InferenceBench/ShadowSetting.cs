namespace InferenceBench;

/// <summary>
/// One setting of the router's shadow arm during the open-loop part: none, or a kind at a sampling percentage.
/// Kinds: <c>vote</c> = an arm over the primary's own members with another strategy (an engine that reuses the
/// primary's member outputs answers it without worker calls); <c>members</c> = an arm over other member entries that
/// point at the same workers (the router must call the workers again).
/// </summary>
internal sealed record ShadowSetting(string Kind, int Percent)
{
    public const string NoneKind = "none";
    public const string SameMembersKind = "vote";
    public const string OtherMembersKind = "members";

    public static readonly ShadowSetting None = new(NoneKind, 0);

    public bool IsNone => Kind == NoneKind;

    public string Name => IsNone ? "no shadow" : $"shadow {Kind} {Percent}%";

    public string Description => Kind switch
    {
        SameMembersKind => $"shadow arm '{RouterConfig.SameMembersArm}': the primary's members, strategy vote, {Percent}% of requests",
        OtherMembersKind => $"shadow arm '{RouterConfig.OtherMembersArm}': other member entries on the same workers, strategy bagging, {Percent}% of requests",
        _ => "no shadow arm",
    };

    /// <summary>The settings of one repetition: no shadow, then every kind at every percentage.</summary>
    public static IReadOnlyList<ShadowSetting> All(BenchOptions options)
        => [None, .. options.ShadowKinds.SelectMany(kind => options.ShadowPercents.Order().Select(percent => new ShadowSetting(kind, percent)))];
}
