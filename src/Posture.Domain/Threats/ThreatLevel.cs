namespace Posture.Domain.Threats;

/// <summary>
/// A site's threat level, lowest first: the US DoD's four terrorism threat levels plus Critical for an attack
/// expected imminently (see docs/threat-model.md). Computed and advisory; the protective posture a commander
/// orders is the separate <see cref="ForceProtectionCondition"/>.
/// </summary>
public enum ThreatLevel
{
    Low,
    Moderate,
    Significant,
    High,
    Critical,
}

/// <summary>A commander's protective posture for a site (US DoD FPCON), lowest first.</summary>
public enum ForceProtectionCondition
{
    Normal,
    Alpha,
    Bravo,
    Charlie,
    Delta,
}

/// <summary>What a threat level recommends; a recommendation only, since the FPCON in force is a person's decision.</summary>
public static class ThreatLevels
{
    /// <summary>Low→Normal, Moderate→Alpha, Significant→Bravo, High→Charlie, Critical→Delta.</summary>
    public static ForceProtectionCondition RecommendedFpcon(this ThreatLevel level) => level switch
    {
        ThreatLevel.Low => ForceProtectionCondition.Normal,
        ThreatLevel.Moderate => ForceProtectionCondition.Alpha,
        ThreatLevel.Significant => ForceProtectionCondition.Bravo,
        ThreatLevel.High => ForceProtectionCondition.Charlie,
        ThreatLevel.Critical => ForceProtectionCondition.Delta,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "not a known threat level"),
    };
}
