using NodaTime;
using Posture.Domain.Bases;

namespace Posture.Domain.Threats;

/// <summary>
/// A site's threat at an instant, with its reasons: the score, the level it reaches (raised to the analyst's floor if
/// one is in force), the FPCON that level recommends, and every incident that counted, largest first.
/// </summary>
public sealed record ThreatAssessment(
    Guid SiteId,
    Instant At,
    ThreatLevel Level,
    double Score,
    ForceProtectionCondition RecommendedFpcon,
    ThreatLevel ComputedLevel,
    AnalystFloor? Floor,
    IReadOnlyList<ThreatContribution> Contributions);

/// <summary>
/// Why one incident counts as much as it does: its severity where it happened, the weight it carries here at this
/// instant (decay by age × 1 at the site itself or the nearby weight at a neighbour), and their product.
/// </summary>
public sealed record ThreatContribution(
    Guid IncidentId,
    IncidentKind Kind,
    Instant OccurredAt,
    Guid SiteId,
    double DistanceKm,
    double Weight,
    double Severity,
    double Contribution);
