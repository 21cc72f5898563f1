using System.Collections.Immutable;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Threats;

namespace Posture.Domain.Sites;

/// <summary>
/// The read model of one site: where it is, its FPCON, the analysts' floors, what has happened there (incidents as
/// now believed: corrections applied, retractions removed) and every change to who is there (from the Contractor
/// and Mission streams, so the headcount can be read at any instant). Its threat level is not stored: it
/// decays with time, so it is computed for the instant asked about (<see cref="ThreatScorer"/>). A separate type from
/// <see cref="Base"/> (which holds only what decisions need), built by <see cref="Evolve"/>, a pure fold.
/// </summary>
public sealed record SitePosture(
    Guid Id,
    string Name,
    string Country,
    string Region,
    double Latitude,
    double Longitude,
    ForceProtectionCondition Fpcon,
    string? FpconReason,
    Instant? FpconSetAt,
    ImmutableList<AnalystFloor> Floors,
    ImmutableDictionary<Guid, Instant> Incidents,
    ImmutableList<HeadcountChange> PeopleChanges,
    long BaseVersion)
{
    public int IncidentCount => Incidents.Count;

    public Instant? LastIncidentAt => Incidents.IsEmpty ? null : Incidents.Values.Max();

    public SiteLocation Location => new(Latitude, Longitude);

    /// <summary>Folds one Base-stream event into the site; other events leave it unchanged.</summary>
    public static SitePosture? Evolve(SitePosture? site, object @event) => (site, @event) switch
    {
        (null, BaseRegistered e) => new SitePosture(
            e.BaseId, e.Name, e.Country, e.Region, e.Latitude, e.Longitude, ForceProtectionCondition.Normal, null, null,
            ImmutableList<AnalystFloor>.Empty, ImmutableDictionary<Guid, Instant>.Empty, ImmutableList<HeadcountChange>.Empty, 1),
        (null, _) => null,
        (_, IIncidentOccurred e) => site.Next() with { Incidents = site.Incidents.SetItem(e.IncidentId, e.Report.OccurredAt) },
        (_, IncidentCorrected e) when site.Incidents.ContainsKey(e.IncidentId) =>
            site.Next() with { Incidents = site.Incidents.SetItem(e.IncidentId, e.Corrected.OccurredAt) },
        (_, IncidentRetracted e) => site.Next() with { Incidents = site.Incidents.Remove(e.IncidentId) },
        (_, ThreatAssessed e) => site.Next() with { Floors = site.Floors.Add(new AnalystFloor(e.Level, e.Reason, e.AssessedAt, e.ExpiresAt)) },
        (_, ForceProtectionConditionSet e) => site.Next() with { Fpcon = e.Condition, FpconReason = e.Reason, FpconSetAt = e.SetAt },
        (_, IBaseEvent) => site.Next(),
        (_, _) when Headcount.ChangeOf(@event) is { } change => site with { PeopleChanges = site.PeopleChanges.Add(change) },
        _ => site,
    };

    /// <summary>Every Base event moves the stream on by one; the version is the ETag of the site.</summary>
    private SitePosture Next() => this with { BaseVersion = BaseVersion + 1 };
}
