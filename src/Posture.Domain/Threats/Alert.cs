using NodaTime;
using Posture.Domain.Sites;

namespace Posture.Domain.Threats;

/// <summary>What an alert announces.</summary>
public enum AlertKind
{
    ThreatLevelRaised,
    EvacuationRecommended,
}

/// <summary>An alert as commanders read it: which site, what happened to its level, and whose contractors are there.</summary>
public sealed record Alert(
    Guid Id,
    AlertKind Kind,
    Guid SiteId,
    string SiteName,
    ThreatLevel? From,
    ThreatLevel Level,
    double Score,
    Instant At,
    IReadOnlyList<OrganisationHeadcount> Contractors,
    long AtUnixMilliseconds)
{
    public static Alert Of(Guid id, ThreatLevelRaised raised)
    {
        ArgumentNullException.ThrowIfNull(raised);
        return new Alert(id, AlertKind.ThreatLevelRaised, raised.SiteId, raised.SiteName, raised.From, raised.To, raised.Score, raised.At, [],
            raised.At.ToUnixTimeMilliseconds());
    }

    public static Alert Of(Guid id, EvacuationRecommended recommended)
    {
        ArgumentNullException.ThrowIfNull(recommended);
        return new Alert(id, AlertKind.EvacuationRecommended, recommended.SiteId, recommended.SiteName, null, recommended.Level, recommended.Score,
            recommended.At, recommended.Contractors, recommended.At.ToUnixTimeMilliseconds());
    }
}
