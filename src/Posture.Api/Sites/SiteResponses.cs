using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Incidents;
using Posture.Domain.Sites;
using Posture.Domain.Threats;
using Posture.Infrastructure.Sites;

namespace Posture.Api.Sites;

/// <summary>A site's threat in brief: the level and the score behind it.</summary>
public sealed record ThreatSummary(ThreatLevel Level, double Score);

/// <summary>How many people are at a site, and (in the detail view) whose.</summary>
public sealed record HeadcountView(int Contractors, int Mission, int Total, IReadOnlyList<OrganisationHeadcountView>? ByOrganisation);

public sealed record OrganisationHeadcountView(Guid Id, string Name, OrganisationKind Kind, int People);

/// <summary>One row of <c>GET /api/sites</c>.</summary>
public sealed record SiteSummary(
    Guid Id, string Name, string Region, ThreatSummary Threat, ForceProtectionCondition Fpcon, HeadcountView Headcount, Instant? LastIncidentAt);

/// <summary>An incident as the site and incident views show it.</summary>
public sealed record IncidentView(
    Guid Id,
    Guid SiteId,
    IncidentKind Kind,
    Instant OccurredAt,
    TimePrecision Precision,
    int Rounds,
    Impact Impact,
    int Killed,
    int Injured,
    Affiliation? CasualtiesAffiliation,
    Attribution Attribution,
    string? AttributedTo,
    string Source,
    Confidence Confidence,
    string? Notes,
    int Corrections)
{
    public static IncidentView From(IncidentLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var r = entry.Report;
        return new IncidentView(entry.Id, entry.SiteId, entry.Kind, r.OccurredAt, r.Precision, r.Rounds, r.Impact, r.Killed, r.Injured,
            r.CasualtiesAffiliation, r.Attribution, r.AttributedTo, r.Source, r.Confidence, r.Notes, entry.Corrections);
    }
}

/// <summary><c>GET /api/sites/{id}</c>: everything a security officer reads about one site at one instant.</summary>
public sealed record SiteDetail(
    Guid Id,
    string Name,
    string Country,
    string Region,
    double Latitude,
    double Longitude,
    Instant At,
    ThreatDetail Threat,
    ForceProtectionCondition Fpcon,
    string? FpconReason,
    Instant? FpconSetAt,
    HeadcountView Headcount,
    Instant? LastIncidentAt,
    IReadOnlyList<IncidentView> RecentIncidents)
{
    /// <summary>When asked with <c>knownAt</c>: the answer counts only what had been recorded by then.</summary>
    public Instant? KnownAt { get; init; }
}

/// <summary>A site's threat with why: level, score, the level the score alone reaches, the analyst floor, the advice.</summary>
public sealed record ThreatDetail(
    ThreatLevel Level, double Score, ThreatLevel ComputedLevel, ForceProtectionCondition RecommendedFpcon, AnalystFloor? Floor);

/// <summary><c>GET /api/sites/{id}/threat</c>: the assessment and each incident's contribution, largest first.</summary>
public sealed record ThreatExplanation(
    Guid SiteId,
    Instant At,
    ThreatLevel Level,
    double Score,
    ThreatLevel ComputedLevel,
    ForceProtectionCondition RecommendedFpcon,
    AnalystFloor? Floor,
    IReadOnlyList<ThreatContribution> Contributions)
{
    /// <summary>When asked with <c>knownAt</c>: the answer counts only what had been recorded by then.</summary>
    public Instant? KnownAt { get; init; }

    /// <summary>The scoring constants this answer used: the configured ones, or a what-if's.</summary>
    public ScoringOptionsView? Options { get; init; }

    /// <summary>
    /// How many incidents counted. <c>Contributions</c> lists the largest, at most 500 (the most any list answers);
    /// the score is always the sum of all of them.
    /// </summary>
    public int ContributionCount { get; init; }
}

/// <summary>The threat constants an answer was scored with; <c>WhatIf</c> when the caller replaced configured ones.</summary>
public sealed record ScoringOptionsView(double HalfLifeDays, double NearbyRadiusKm, double NearbyWeight, bool WhatIf);

/// <summary>Builds the views from a snapshot of the read models, for one instant.</summary>
public static class SiteViews
{
    public const int RecentIncidents = 10;

    /// <summary>Scores are shown to four decimals, as <see cref="Math.Round(double, int)"/> rounds them, in every view.</summary>
    public const int ScoreDecimals = 4;

    /// <summary>A site's threat in brief at <paramref name="at"/>, scored exactly from the snapshot.</summary>
    public static ThreatSummary Threat(SiteSnapshot snapshot, Guid siteId, Instant at)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var threat = snapshot.ThreatWithoutContributions(siteId, at);
        return new ThreatSummary(threat.Level, Math.Round(threat.Score, ScoreDecimals));
    }

    public static SiteSummary Summary(SiteSnapshot snapshot, SitePosture site, Instant at)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(site);
        return Summary(site, Threat(snapshot, site.Id, at), snapshot.Headcount(site, at), snapshot.LastIncidentBy(site.Id, at));
    }

    /// <summary>
    /// A row of the site list from a threat already known (exactly, or from the running sums where certain) and the last
    /// incident by the instant asked about, read from the incident log (the site's document keeps none).
    /// </summary>
    public static SiteSummary Summary(SitePosture site, ThreatSummary threat, SiteHeadcount people, Instant? lastIncidentAt)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(people);
        return new SiteSummary(site.Id, site.Name, site.Region, threat, site.Fpcon,
            new HeadcountView(people.Contractors, people.Mission, people.Total, null), lastIncidentAt);
    }

    public static SiteDetail Detail(SiteSnapshot snapshot, SitePosture site, Instant at)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(site);
        var threat = snapshot.ThreatWithoutContributions(site.Id, at);
        var people = snapshot.Headcount(site, at);
        var byOrganisation = people.ByOrganisation.Select(o => new OrganisationHeadcountView(o.OrganisationId, o.Organisation, o.Kind, o.People)).ToList();
        var recent = IncidentLogEntry.LatestBy(snapshot.IncidentsAt(site.Id), at, RecentIncidents).Select(IncidentView.From).ToList();
        return new SiteDetail(site.Id, site.Name, site.Country, site.Region, site.Latitude, site.Longitude, at,
            new ThreatDetail(threat.Level, Math.Round(threat.Score, ScoreDecimals), threat.ComputedLevel, threat.RecommendedFpcon, threat.Floor),
            site.Fpcon, site.FpconReason, site.FpconSetAt,
            new HeadcountView(people.Contractors, people.Mission, people.Total, byOrganisation), snapshot.LastIncidentBy(site.Id, at), recent);
    }
}
