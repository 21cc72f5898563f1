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
