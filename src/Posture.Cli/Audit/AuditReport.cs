using System.Globalization;
using JasperFx.Events;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Sites;
using Posture.Domain.Threats;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Sites;

namespace Posture.Cli.Audit;

/// <summary>Who recorded one event and when (Marten's metadata), with the stored name.</summary>
public sealed record RecordedBy(string Type, long Sequence, Instant RecordedAt, string? User);

/// <summary>One incident's share of the score, and who recorded the report and each correction behind it.</summary>
public sealed record AuditContribution(
    Guid IncidentId, IncidentKind Kind, Instant OccurredAt, Guid SiteId, double DistanceKm, double Weight, double Severity, double Contribution,
    IReadOnlyList<RecordedBy> RecordedBy);

/// <summary>An event recorded after the cut-off that changed the answer about the moment, and how.</summary>
public sealed record AuditChange(
    string Type, long Sequence, Instant RecordedAt, Instant? OccurredAt, string? User,
    ThreatLevel LevelBefore, double ScoreBefore, ThreatLevel LevelAfter, double ScoreAfter,
    ForceProtectionCondition FpconBefore, ForceProtectionCondition FpconAfter, int HeadcountBefore, int HeadcountAfter);

/// <summary>The answer about the moment as known now, shown beside the one known at <c>--known-at</c>.</summary>
public sealed record AuditNow(ThreatLevel Level, double Score);

/// <summary>
/// <c>posture audit</c>'s answer: a site's posture at an instant as known at a cut-off (everything by default), the
/// people who recorded what drives it, and the events recorded after the cut-off that changed it.
/// </summary>
public sealed record AuditReport(
    Guid SiteId,
    string Site,
    Instant At,
    Instant? KnownAt,
    ThreatLevel Level,
    double Score,
    ThreatLevel ComputedLevel,
    ForceProtectionCondition RecommendedFpcon,
    AnalystFloor? Floor,
    ForceProtectionCondition Fpcon,
    string? FpconReason,
    RecordedBy? FpconSetBy,
    int Headcount,
    IReadOnlyList<OrganisationHeadcount> HeadcountByOrganisation,
    IReadOnlyList<AuditContribution> Contributions,
    Instant ChangesRecordedAfter,
    IReadOnlyList<AuditChange> Changes,
    AuditNow? Now)
{
    /// <summary>
    /// Builds the report from every recorded event (in recorded order): the answer at <paramref name="at"/> by the events
    /// recorded by <paramref name="knownAt"/> (all when null), and each later event (recorded after knownAt, else after
    /// at) whose arrival changed that answer.
    /// </summary>
    public static AuditReport Build(IReadOnlyList<IEvent> events, Guid siteId, Instant at, Instant? knownAt, ThreatOptions options)
    {
        ArgumentNullException.ThrowIfNull(events);
        var known = knownAt is { } k ? events.Where(e => Recorded(e) <= k).ToList() : events.ToList();
        var snapshot = HistoryReader.Fold(known.Select(e => e.Data), options);
        var site = snapshot.Site(siteId) ?? throw new InvalidOperationException($"site {siteId} was not registered by then");
        var threat = snapshot.Threat(siteId, at);
        var people = snapshot.Headcount(site, at);

        var contributions = threat.Contributions.Select(c => new AuditContribution(
            c.IncidentId, c.Kind, c.OccurredAt, c.SiteId, Math.Round(c.DistanceKm, 3), Math.Round(c.Weight, 6), Math.Round(c.Severity, 6),
            Math.Round(c.Contribution, 6),
            known.Where(e => IncidentOf(e.Data) == c.IncidentId).Select(By).ToList())).ToList();
        var fpconSetBy = known.LastOrDefault(e => e.Data is ForceProtectionConditionSet f && f.BaseId == siteId) is { } fpcon ? By(fpcon) : null;

        var cutoff = knownAt ?? at;
        var changes = new List<AuditChange>();
        var before = events.Where(e => Recorded(e) <= cutoff).ToList();
        var previous = Answer(before, siteId, at, options);
        foreach (var later in events.Where(e => Recorded(e) > cutoff))
        {
            before.Add(later);
            var next = Answer(before, siteId, at, options);
            if (next != previous)
            {
                changes.Add(new AuditChange(later.EventTypeName, later.Sequence, Recorded(later), AuditTrail.OccurredAt(later.Data), later.UserName,
                    previous.Level, previous.Score, next.Level, next.Score, previous.Fpcon, next.Fpcon, previous.Headcount, next.Headcount));
            }

            previous = next;
        }

        var now = knownAt is null ? null : new AuditNow(previous.Level, previous.Score);
        return new AuditReport(siteId, site.Name, at, knownAt, threat.Level, Math.Round(threat.Score, 4), threat.ComputedLevel, threat.RecommendedFpcon,
            threat.Floor, site.Fpcon, site.FpconReason, fpconSetBy, people.Total, people.ByOrganisation, contributions, cutoff, changes, now);
    }

    /// <summary>Everything the report states about the moment, as one comparable value.</summary>
    private sealed record Said(ThreatLevel Level, double Score, string Contributions, ForceProtectionCondition Fpcon, int Headcount, string People);

    private static Said Answer(IEnumerable<IEvent> events, Guid siteId, Instant at, ThreatOptions options)
    {
        SiteSnapshot snapshot = HistoryReader.Fold(events.Select(e => e.Data), options);
        if (snapshot.Site(siteId) is not { } site)
        {
            return new Said(ThreatLevel.Low, 0, "", ForceProtectionCondition.Normal, 0, "");
        }

        var threat = snapshot.Threat(siteId, at);
        var people = snapshot.Headcount(site, at);
        return new Said(threat.Level, Math.Round(threat.Score, 4),
            string.Join(";", threat.Contributions.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.IncidentId}:{c.Contribution:F6}"))),
            site.Fpcon,
            people.Total,
            string.Join(";", people.ByOrganisation.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.OrganisationId}:{o.People}"))));
    }

    private static Instant Recorded(IEvent e) => Instant.FromDateTimeOffset(e.Timestamp);

    private static RecordedBy By(IEvent e) => new(e.EventTypeName, e.Sequence, Recorded(e), e.UserName);

    private static Guid? IncidentOf(object data) => data switch
    {
        IIncidentOccurred e => e.IncidentId,
        IncidentCorrected e => e.IncidentId,
        IncidentRetracted e => e.IncidentId,
        _ => null,
    };
}
