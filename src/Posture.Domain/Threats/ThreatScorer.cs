using NodaTime;

namespace Posture.Domain.Threats;

/// <summary>
/// A site's threat at an instant, as a pure function of what has been recorded and that instant: the same inputs and
/// instant always give the same assessment, so any past moment can be replayed and explained. The method, step by
/// step, is in docs/threat-model.md.
/// </summary>
public static class ThreatScorer
{
    /// <summary>
    /// Sums, over every incident that had happened by <paramref name="at"/> and was not retracted, at this site or at
    /// another within the nearby radius, its severity × 0.5^(age / half-life) × (1 here, the nearby weight there); maps
    /// the sum onto a level; raises the level to the highest analyst floor in force at <paramref name="at"/>.
    /// </summary>
    public static ThreatAssessment Assess(Guid siteId, ThreatInputs inputs, Instant at, ThreatOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);

        var here = inputs.Sites.GetValueOrDefault(siteId);
        var contributions = inputs.Sites.Values
            .Select(site => (Site: site, Reach: Reach(here, site, options)))
            .Where(s => s.Reach is not null)
            .SelectMany(s => s.Site.Incidents.Values
                .Where(incident => !incident.Retracted && incident.Report.OccurredAt <= at)
                .Select(incident => Contribute(incident, s.Reach!.Value, at, options)))
            // A total order, so the list and the floating-point sum below never depend on how the inputs were folded.
            .OrderByDescending(c => c.Contribution)
            .ThenByDescending(c => c.OccurredAt)
            .ThenBy(c => c.SiteId)
            .ThenBy(c => c.IncidentId)
            .ToList();

        var score = contributions.Sum(c => c.Contribution);
        var computed = options.Thresholds.LevelFor(score);
        var floor = here?.Floors
            .Where(f => f.InForceAt(at))
            .OrderByDescending(f => f.Level)
            .ThenByDescending(f => f.AssessedAt)
            .FirstOrDefault();
        var level = floor is not null && floor.Level > computed ? floor.Level : computed;
        return new ThreatAssessment(siteId, at, level, score, level.RecommendedFpcon(), computed, floor, contributions);
    }

    /// <summary>0.5^(age / half-life): 1 at the instant of the incident, a half after one half-life.</summary>
    public static double Decay(Duration age, Duration halfLife) => Math.Pow(0.5, age.TotalTicks / halfLife.TotalTicks);

    private static ThreatContribution Contribute(ThreatIncident incident, (double DistanceKm, double Weight) reach, Instant at, ThreatOptions options)
    {
        var severity = Severity.Of(incident.Kind, incident.Report, options);
        var weight = Decay(at - incident.Report.OccurredAt, options.HalfLife) * reach.Weight;
        return new ThreatContribution(
            incident.IncidentId, incident.Kind, incident.Report.OccurredAt, incident.SiteId, reach.DistanceKm, weight, severity, severity * weight);
    }

    /// <summary>How far <paramref name="site"/> is from the assessed site and what its incidents weigh there; null when they do not count.</summary>
    private static (double DistanceKm, double Weight)? Reach(SiteThreatHistory? here, SiteThreatHistory site, ThreatOptions options)
    {
        if (site.SiteId == here?.SiteId)
        {
            return (0, 1);
        }

        if (here?.Location is not { } from || site.Location is not { } to)
        {
            return null;
        }

        var distance = GeoDistance.Kilometres(from.Latitude, from.Longitude, to.Latitude, to.Longitude);
        return distance <= options.NearbyRadiusKm ? (distance, options.NearbyWeight) : null;
    }
}
