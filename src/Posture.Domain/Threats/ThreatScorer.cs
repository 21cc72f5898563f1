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
    public static ThreatAssessment Assess(Guid siteId, ThreatInputs inputs, Instant at, ThreatOptions options) =>
        Assess(siteId, inputs, at, options, listContributions: true);

    /// <summary>
    /// The same assessment as <see cref="Assess(Guid, ThreatInputs, Instant, ThreatOptions)"/> with an empty list of
    /// contributions, for answers that show only the level and the score: the score is the same sum, added in the same
    /// order (largest first; contributions that order by their other keys are equal numbers, so their order does not
    /// change the sum), without building a contribution per incident and sorting them.
    /// </summary>
    public static ThreatAssessment AssessWithoutContributions(Guid siteId, ThreatInputs inputs, Instant at, ThreatOptions options) =>
        Assess(siteId, inputs, at, options, listContributions: false);

    private static ThreatAssessment Assess(Guid siteId, ThreatInputs inputs, Instant at, ThreatOptions options, bool listContributions)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);

        var here = inputs.Sites.GetValueOrDefault(siteId);
        var counted = Counted(here, inputs, at, options);
        if (!listContributions)
        {
            var values = counted.Select(c => Contribution(c.Incident, c.Reach, at, options).Contribution).ToList();
            values.Sort();
            var sum = 0.0;
            for (var i = values.Count - 1; i >= 0; i--)
            {
                sum += values[i];
            }

            return Conclude(siteId, here, at, sum, options, []);
        }

        // A total order, so the list and the floating-point sum below never depend on how the inputs were folded. One
        // in-place sort by a comparison: a site read scores a busy site's thousand incidents on every request.
        var contributions = counted.Select(c => Contribute(c.Incident, c.Reach, at, options)).ToList();
        contributions.Sort(LargestFirst);
        return Conclude(siteId, here, at, contributions.Sum(c => c.Contribution), options, contributions);
    }

    /// <summary>The level the score reaches, raised to the highest analyst floor in force at <paramref name="at"/>.</summary>
    private static ThreatAssessment Conclude(
        Guid siteId, SiteThreatHistory? here, Instant at, double score, ThreatOptions options, IReadOnlyList<ThreatContribution> contributions)
    {
        var computed = options.Thresholds.LevelFor(score);
        var floor = here?.Floors
            .Where(f => f.InForceAt(at))
            .OrderByDescending(f => f.Level)
            .ThenByDescending(f => f.AssessedAt)
            .FirstOrDefault();
        var level = floor is not null && floor.Level > computed ? floor.Level : computed;
        return new ThreatAssessment(siteId, at, level, score, level.RecommendedFpcon(), computed, floor, contributions);
    }

    /// <summary>
    /// Every incident that counts towards the site's threat at <paramref name="at"/>: not retracted, happened by then, at
    /// the site or at a site within the nearby radius; with how far away it is and what it weighs there.
    /// </summary>
    private static IEnumerable<(ThreatIncident Incident, (double DistanceKm, double Weight) Reach)> Counted(
        SiteThreatHistory? here, ThreatInputs inputs, Instant at, ThreatOptions options)
    {
        foreach (var site in inputs.Sites.Values)
        {
            if (Reach(here, site, options) is not { } reach)
            {
                continue;
            }

            foreach (var incident in site.Incidents.Values)
            {
                if (!incident.Retracted && incident.Report.OccurredAt <= at)
                {
                    yield return (incident, reach);
                }
            }
        }
    }

    /// <summary>Largest contribution first, then the latest, then by site and incident: no two incidents compare equal.</summary>
    private static int LargestFirst(ThreatContribution a, ThreatContribution b)
    {
        var byContribution = b.Contribution.CompareTo(a.Contribution);
        if (byContribution != 0)
        {
            return byContribution;
        }

        var byTime = b.OccurredAt.CompareTo(a.OccurredAt);
        if (byTime != 0)
        {
            return byTime;
        }

        var bySite = a.SiteId.CompareTo(b.SiteId);
        return bySite != 0 ? bySite : a.IncidentId.CompareTo(b.IncidentId);
    }

    /// <summary>0.5^(age / half-life): 1 at the instant of the incident, a half after one half-life.</summary>
    public static double Decay(Duration age, Duration halfLife) => Math.Pow(0.5, age.TotalTicks / halfLife.TotalTicks);

    private static ThreatContribution Contribute(ThreatIncident incident, (double DistanceKm, double Weight) reach, Instant at, ThreatOptions options)
    {
        var (severity, weight, contribution) = Contribution(incident, reach, at, options);
        return new ThreatContribution(
            incident.IncidentId, incident.Kind, incident.Report.OccurredAt, incident.SiteId, reach.DistanceKm, weight, severity, contribution);
    }

    /// <summary>The incident's severity, the weight it carries here at <paramref name="at"/>, and their product.</summary>
    private static (double Severity, double Weight, double Contribution) Contribution(
        ThreatIncident incident, (double DistanceKm, double Weight) reach, Instant at, ThreatOptions options)
    {
        var severity = Severity.Of(incident.Kind, incident.Report, options);
        var weight = Decay(at - incident.Report.OccurredAt, options.HalfLife) * reach.Weight;
        return (severity, weight, severity * weight);
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
