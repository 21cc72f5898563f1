using System.Collections.Immutable;
using Marten;
using NodaTime;
using Posture.Domain.Incidents;
using Posture.Domain.Sites;
using Posture.Domain.Threats;

namespace Posture.Infrastructure.Sites;

/// <summary>
/// Reads the site read models and answers for any instant: a site's threat (computed by the domain's
/// <see cref="ThreatScorer"/> from the sites, their floors and the incident log, because a level decays with time and
/// cannot be stored) and its headcount (from the people changes the site keeps).
/// </summary>
public sealed class SiteReader(ThreatOptions options)
{
    public ThreatOptions Options { get; } = options;

    /// <summary>Every site, with the incidents that can count towards their threat.</summary>
    public async Task<SiteSnapshot> AllAsync(IQuerySession session, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var sites = await session.Query<SitePosture>().ToListAsync(cancellation).ConfigureAwait(false);
        var incidents = await session.Query<IncidentLogEntry>().ToListAsync(cancellation).ConfigureAwait(false);
        return await SnapshotAsync(session, sites, incidents, cancellation).ConfigureAwait(false);
    }

    /// <summary>One site and its neighbours within the nearby radius, or null when the site is unknown.</summary>
    public async Task<SiteSnapshot?> AroundAsync(IQuerySession session, Guid siteId, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var sites = await session.Query<SitePosture>().ToListAsync(cancellation).ConfigureAwait(false);
        var site = sites.SingleOrDefault(s => s.Id == siteId);
        if (site is null)
        {
            return null;
        }

        var near = sites.Where(s => s.Id == siteId || GeoDistance.Kilometres(site.Latitude, site.Longitude, s.Latitude, s.Longitude) <= Options.NearbyRadiusKm)
            .ToList();
        var ids = near.Select(s => s.Id).ToArray();
        var incidents = await session.Query<IncidentLogEntry>().Where(i => i.SiteId.IsOneOf(ids)).ToListAsync(cancellation).ConfigureAwait(false);
        return await SnapshotAsync(session, near, incidents, cancellation).ConfigureAwait(false);
    }

    private async Task<SiteSnapshot> SnapshotAsync(
        IQuerySession session, IReadOnlyList<SitePosture> sites, IReadOnlyList<IncidentLogEntry> incidents, CancellationToken cancellation)
    {
        var organisations = await session.Query<Organisation>().ToListAsync(cancellation).ConfigureAwait(false);
        var byId = incidents.GroupBy(i => i.SiteId).ToDictionary(g => g.Key, g => g.ToList());
        var inputs = new ThreatInputs(sites.ToImmutableDictionary(
            site => site.Id,
            site => new SiteThreatHistory(
                site.Id,
                site.Location,
                byId.GetValueOrDefault(site.Id, []).ToImmutableDictionary(
                    i => i.Id, i => new ThreatIncident(i.SiteId, i.Id, i.Kind, i.Report, Retracted: false)),
                site.Floors)));
        return new SiteSnapshot(sites, incidents, organisations.ToDictionary(o => o.Id, o => o.Name), inputs, Options);
    }
}

/// <summary>Sites, their incidents and the organisations' names, read together; answers are pure from here.</summary>
public sealed record SiteSnapshot(
    IReadOnlyList<SitePosture> Sites,
    IReadOnlyList<IncidentLogEntry> Incidents,
    IReadOnlyDictionary<Guid, string> OrganisationNames,
    ThreatInputs Inputs,
    ThreatOptions Options)
{
    public SitePosture? Site(Guid id) => Sites.SingleOrDefault(s => s.Id == id);

    public ThreatAssessment Threat(Guid siteId, Instant at) => ThreatScorer.Assess(siteId, Inputs, at, Options);

    public SiteHeadcount Headcount(SitePosture site, Instant at)
    {
        ArgumentNullException.ThrowIfNull(site);
        return Domain.Sites.Headcount.OfSite(site.Id, site.PeopleChanges, at, OrganisationNames);
    }

    public IEnumerable<IncidentLogEntry> IncidentsAt(Guid siteId) => Incidents.Where(i => i.SiteId == siteId);
}
