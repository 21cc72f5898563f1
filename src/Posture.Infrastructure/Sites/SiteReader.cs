using System.Collections.Immutable;
using Marten;
using Npgsql;
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

    /// <summary>Incident rows already read by this reader (one per process: it is a singleton), by version.</summary>
    private readonly IncidentRows _incidents = new();

    /// <summary>The scorer's view of each site's incidents, kept with the rows of <see cref="_incidents"/> it was built from.</summary>
    private readonly ThreatIncidentSets _threatIncidents = new();

    /// <summary>Every site, with the incidents that can count towards their threat.</summary>
    public async Task<SiteSnapshot> AllAsync(IQuerySession session, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var sites = await session.Query<SitePosture>().ToListAsync(cancellation).ConfigureAwait(false);
        var incidents = await session.Query<IncidentLogEntry>().ToListAsync(cancellation).ConfigureAwait(false);
        return await SnapshotAsync(session, sites, incidents, cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// One site and its neighbours within the nearby radius, or null when the site is unknown: the sites near it and the
    /// ids and versions of their incidents are found in one statement (<see cref="NearbySites"/>); then the sites' whole
    /// documents, the incidents this reader does not already hold at those versions (<see cref="IncidentRows"/>) and
    /// the organisations' names are read together, in one more round trip.
    /// </summary>
    public async Task<SiteSnapshot?> AroundAsync(IQuerySession session, Guid siteId, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var candidates = await NearbySites.AroundAsync(session, siteId, Options.NearbyRadiusKm, listIncidents: true, cancellation).ConfigureAwait(false);
        var ids = Near(candidates.Places, [siteId]).ToArray();
        return ids.Length == 0 ? null : await AroundAsync(session, ids, candidates.IncidentsOf(ids), cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// The same, from every site's position already read (<see cref="PlacesAsync"/>, for callers that read many sites):
    /// the ids and versions of the incidents of the few sites near it are listed first, then the rest is read as above.
    /// </summary>
    public async Task<SiteSnapshot?> AroundAsync(IQuerySession session, Guid siteId, IReadOnlyList<SitePlace> places, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var ids = Near(places, [siteId]).ToArray();
        return ids.Length == 0
            ? null
            : await AroundAsync(session, ids, await IncidentRows.ListAsync(session, ids, cancellation).ConfigureAwait(false), cancellation).ConfigureAwait(false);
    }

    /// <summary>The ids of the known sites within the nearby radius of <paramref name="siteId"/>, itself included; none when it is unknown.</summary>
    public async Task<IReadOnlyList<Guid>> NearAsync(IQuerySession session, Guid siteId, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var candidates = await NearbySites.AroundAsync(session, siteId, Options.NearbyRadiusKm, listIncidents: false, cancellation).ConfigureAwait(false);
        return Near(candidates.Places, [siteId]).ToList();
    }

    private async Task<SiteSnapshot> AroundAsync(
        IQuerySession session, Guid[] ids, IReadOnlyList<(Guid Id, uint Version)> listed, CancellationToken cancellation)
    {
        var missing = _incidents.Missing(listed);
        var batch = session.CreateBatchQuery();
        var near = batch.LoadMany<SitePosture>().ById(ids);
        var loaded = missing.Length == 0 ? Task.FromResult<IReadOnlyList<IncidentLogEntry>>([]) : batch.LoadMany<IncidentLogEntry>().ById(missing);
        var organisations = batch.Query<Organisation>().ToList();
        await batch.Execute(cancellation).ConfigureAwait(false);
        var incidents = _incidents.Compose(listed, await loaded.ConfigureAwait(false));
        return Snapshot(await near.ConfigureAwait(false), incidents, await organisations.ConfigureAwait(false), _threatIncidents.Of);
    }

    /// <summary>
    /// A site's position in SQL, for its row aliased <c>s</c>: the columns PostureStore duplicates, or the document where
    /// they are empty (rows written by Posture's own bulk paths, the one-pass rebuild and the import, until Marten's next
    /// upsert of the site fills them). Every read of positions uses these (<see cref="PlacesAsync"/>, <see cref="NearbySites"/>).
    /// </summary>
    internal const string LatitudeOfS = "coalesce(s.latitude, CAST(s.data ->> 'latitude' as double precision))";

    /// <inheritdoc cref="LatitudeOfS"/>
    internal const string LongitudeOfS = "coalesce(s.longitude, CAST(s.data ->> 'longitude' as double precision))";

    /// <summary>
    /// Where every site is: all the nearby rule needs, read without the sites' histories. The position is read from the
    /// site's own columns (PostureStore duplicates it): a site's document grows with its history, and building the
    /// positions from 1,000 documents cost ten times more than reading the columns (docs/adr/0020).
    /// </summary>
    public static async Task<IReadOnlyList<SitePlace>> PlacesAsync(IQuerySession session, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var command = new NpgsqlCommand(
            $"select s.id, {LatitudeOfS}, {LongitudeOfS} from {session.DocumentStore.Options.Schema.For<SitePosture>()} s");
        await using var reader = await session.ExecuteReaderAsync(command, cancellation).ConfigureAwait(false);
        var places = new List<SitePlace>();
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            places.Add(new SitePlace(reader.GetGuid(0), reader.GetDouble(1), reader.GetDouble(2)));
        }

        return places;
    }

    /// <summary>
    /// The ids of the known sites among <paramref name="siteIds"/> and of every site within the nearby radius of one
    /// of them, in the order of <paramref name="places"/>; none when no named site is known.
    /// </summary>
    public IEnumerable<Guid> Near(IReadOnlyList<SitePlace> places, IEnumerable<Guid> siteIds)
    {
        ArgumentNullException.ThrowIfNull(places);
        var named = places.Where(p => siteIds.Contains(p.Id)).ToList();
        // A loop, not a lambda per place: a site read asks this of every site (1,000 closures a read were a sixth of its
        // allocations).
        var near = new List<Guid>();
        foreach (var place in places)
        {
            if (IsNearAny(place, named))
            {
                near.Add(place.Id);
            }
        }

        return near;
    }

    private bool IsNearAny(SitePlace place, List<SitePlace> named)
    {
        // A degree of latitude is 111.2 km on the mean sphere and no two points are closer than their difference in
        // latitude, so a site more than radius / 110 degrees north or south is out of reach without its distance (the
        // margin SiteNeighbourhoods' bands rely on too).
        var reach = Options.NearbyRadiusKm / 110.0;
        foreach (var n in named)
        {
            if (n.Id == place.Id
                || (!(Math.Abs(n.Latitude - place.Latitude) > reach)
                    && GeoDistance.Kilometres(n.Latitude, n.Longitude, place.Latitude, place.Longitude) <= Options.NearbyRadiusKm))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<SiteSnapshot> SnapshotAsync(
        IQuerySession session, IReadOnlyList<SitePosture> sites, IReadOnlyList<IncidentLogEntry> incidents, CancellationToken cancellation) =>
        Snapshot(sites, incidents, await session.Query<Organisation>().ToListAsync(cancellation).ConfigureAwait(false),
            (_, rows) => ThreatIncidentSets.Build(rows));

    /// <summary>The snapshot of these rows; <paramref name="threatIncidents"/> gives a site's incidents for scoring from its rows.</summary>
    private SiteSnapshot Snapshot(
        IReadOnlyList<SitePosture> sites,
        IReadOnlyList<IncidentLogEntry> incidents,
        IReadOnlyList<Organisation> organisations,
        Func<Guid, IReadOnlyList<IncidentLogEntry>, ImmutableDictionary<Guid, ThreatIncident>> threatIncidents)
    {
        var byId = incidents.GroupBy(i => i.SiteId).ToDictionary(g => g.Key, g => g.ToList());
        var inputs = new ThreatInputs(sites.ToImmutableDictionary(
            site => site.Id,
            site => new SiteThreatHistory(site.Id, site.Location, threatIncidents(site.Id, byId.GetValueOrDefault(site.Id, [])), site.Floors)));
        return new SiteSnapshot(sites, incidents, organisations.ToDictionary(o => o.Id, o => o.Name), inputs, Options);
    }
}

/// <summary>Where a site is.</summary>
public sealed record SitePlace(Guid Id, double Latitude, double Longitude);

/// <summary>Sites, their incidents and the organisations' names, read together; answers are pure from here.</summary>
public sealed record SiteSnapshot(
    IReadOnlyList<SitePosture> Sites,
    IReadOnlyList<IncidentLogEntry> Incidents,
    IReadOnlyDictionary<Guid, string> OrganisationNames,
    ThreatInputs Inputs,
    ThreatOptions Options)
{
    public SitePosture? Site(Guid id) => Sites.SingleOrDefault(s => s.Id == id);

    // The sites' neighbourhoods, built on first use for the inputs and radius they were built from (a copy made with
    // `with` may change either).
    private (ThreatInputs Inputs, double RadiusKm, SiteNeighbourhoods Near)? _neighbourhoods;

    /// <summary>
    /// The site's threat, assessed from the sites that can count towards it: itself and those within the nearby
    /// radius, exactly the ones the scorer would count. Finding them by latitude band first (<see cref="SiteNeighbourhoods"/>)
    /// keeps a list of every site from costing each site against every other (a million distances for a thousand sites).
    /// </summary>
    public ThreatAssessment Threat(Guid siteId, Instant at) => ThreatScorer.Assess(siteId, Around(siteId), at, Options);

    /// <summary>The same assessment without its contributions (an empty list), for answers that show only the level and the score.</summary>
    public ThreatAssessment ThreatWithoutContributions(Guid siteId, Instant at) =>
        ThreatScorer.AssessWithoutContributions(siteId, Around(siteId), at, Options);

    private ThreatInputs Around(Guid siteId)
    {
        if (Inputs.Sites.GetValueOrDefault(siteId) is not { Location: not null } here)
        {
            return Inputs;
        }

        if (_neighbourhoods is not { } known || !ReferenceEquals(known.Inputs, Inputs) || known.RadiusKm != Options.NearbyRadiusKm)
        {
            var places = Inputs.Sites.Values
                .Where(s => s.Location is not null)
                .Select(s => new SitePlace(s.SiteId, s.Location!.Latitude, s.Location.Longitude))
                .ToList();
            known = (Inputs, Options.NearbyRadiusKm, new SiteNeighbourhoods(places, Options.NearbyRadiusKm));
            _neighbourhoods = known;
        }

        var near = known.Near.Of(siteId).Select(id => Inputs.Sites[id]).Prepend(here);
        return Inputs with { Sites = near.ToImmutableDictionary(s => s.SiteId) };
    }

    public SiteHeadcount Headcount(SitePosture site, Instant at)
    {
        ArgumentNullException.ThrowIfNull(site);
        return Domain.Sites.Headcount.OfSite(site.Id, site.PeopleChanges, at, OrganisationNames);
    }

    // The incidents by site, built on first use for the list it was built from (the CLI's table of every site asks for
    // each site's; a copy made with `with` may hold another list).
    private (IReadOnlyList<IncidentLogEntry> Incidents, ILookup<Guid, IncidentLogEntry> BySite)? _bySite;

    /// <summary>The incidents the snapshot holds at one site (corrections applied, retractions gone).</summary>
    public IEnumerable<IncidentLogEntry> IncidentsAt(Guid siteId)
    {
        if (_bySite is not { } bySite || !ReferenceEquals(bySite.Incidents, Incidents))
        {
            bySite = (Incidents, Incidents.ToLookup(i => i.SiteId));
            _bySite = bySite;
        }

        return bySite.BySite[siteId];
    }

    /// <summary>When the site's latest incident the snapshot holds that had happened by <paramref name="at"/> happened.</summary>
    public Instant? LastIncidentBy(Guid siteId, Instant at) => IncidentLogEntry.LastBy(IncidentsAt(siteId), at);
}
