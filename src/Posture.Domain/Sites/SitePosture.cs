using System.Collections.Immutable;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Threats;

namespace Posture.Domain.Sites;

/// <summary>
/// The read model of one site: where it is, its FPCON, the analysts' floors, the version of its Base stream and every
/// change to who is there (from the Contractor and Mission streams, so the headcount can be read at any instant). Its
/// incidents are not kept here but in the incident log (<see cref="Incidents.IncidentLogEntry"/>, one row each), so the
/// document every command on the base loads and rewrites does not grow with them. Its threat level is not stored: it
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
    ImmutableList<HeadcountChange> PeopleChanges,
    long BaseVersion)
{
    public SiteLocation Location => new(Latitude, Longitude);

    /// <summary>
    /// Folds one event into the site: an incident, a correction or a retraction only moves the Base stream's version on;
    /// the events of who is there add a headcount change; other events leave it unchanged.
    /// </summary>
    public static SitePosture? Evolve(SitePosture? site, object @event) => (site, @event) switch
    {
        (null, BaseRegistered e) => new SitePosture(
            e.BaseId, e.Name, e.Country, e.Region, e.Latitude, e.Longitude, ForceProtectionCondition.Normal, null, null,
            ImmutableList<AnalystFloor>.Empty, ImmutableList<HeadcountChange>.Empty, 1),
        (null, _) => null,
        (_, ThreatAssessed e) => site.Next() with { Floors = site.Floors.Add(new AnalystFloor(e.Level, e.Reason, e.AssessedAt, e.ExpiresAt)) },
        (_, ForceProtectionConditionSet e) => site.Next() with { Fpcon = e.Condition, FpconReason = e.Reason, FpconSetAt = e.SetAt },
        (_, IBaseEvent) => site.Next(),
        (_, _) when Headcount.ChangeOf(@event) is { } change => site with { PeopleChanges = InOrder(site.PeopleChanges, change) },
        _ => site,
    };

    /// <summary>
    /// Keeps the changes in world-time order (then by organisation and size), whatever order the events are folded
    /// in: the store does not promise to apply one transaction's events to a row in append order, and a late report
    /// belongs where it happened. The same history therefore always gives the same document.
    /// </summary>
    private static ImmutableList<HeadcountChange> InOrder(ImmutableList<HeadcountChange> changes, HeadcountChange change)
    {
        var index = changes.FindLastIndex(c => Compare(c, change) <= 0) + 1;
        return changes.Insert(index, change);
    }

    private static int Compare(HeadcountChange a, HeadcountChange b)
    {
        var byTime = a.At.CompareTo(b.At);
        if (byTime != 0)
        {
            return byTime;
        }

        var byOrganisation = a.OrganisationId.CompareTo(b.OrganisationId);
        return byOrganisation != 0 ? byOrganisation : a.Change.CompareTo(b.Change);
    }

    /// <summary>Every Base event moves the stream on by one; the version is the ETag of the site.</summary>
    private SitePosture Next() => this with { BaseVersion = BaseVersion + 1 };
}
