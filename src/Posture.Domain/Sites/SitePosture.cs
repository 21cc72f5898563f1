using NodaTime;
using Posture.Domain.Bases;

namespace Posture.Domain.Sites;

/// <summary>
/// The read model of one site: where it is and what has happened there. A separate type from <see cref="Base"/>
/// (which holds only what decisions need). Built by <see cref="Evolve"/>, a pure fold that the storage layer's
/// projection calls.
/// </summary>
public sealed record SitePosture(
    Guid Id,
    string Name,
    string Country,
    string Region,
    double Latitude,
    double Longitude,
    int IncidentCount,
    Instant? LastIncidentAt)
{
    public static SitePosture? Evolve(SitePosture? site, object @event) => (site, @event) switch
    {
        (null, BaseRegistered e) => new SitePosture(e.BaseId, e.Name, e.Country, e.Region, e.Latitude, e.Longitude, 0, null),
        (not null, IIncidentOccurred e) => site with
        {
            IncidentCount = site.IncidentCount + 1,
            LastIncidentAt = site.LastIncidentAt is { } last && last > e.Report.OccurredAt ? last : e.Report.OccurredAt,
        },
        _ => site,
    };
}
