using Marten;
using NodaTime;
using Posture.Domain.Threats;

namespace Posture.Infrastructure.Sites;

/// <summary>
/// Which sites are within the nearby radius of each site, from their positions alone, as the scorer counts them (the
/// distance from the assessed site, at most the radius). Sites are grouped by latitude band first, so the neighbours
/// of every site cost a few distances each rather than one per site.
/// </summary>
public sealed class SiteNeighbourhoods
{
    private readonly Dictionary<Guid, SitePlace> _places;
    private readonly Dictionary<long, List<SitePlace>> _bands;
    private readonly double _width;
    private readonly double _radiusKm;

    public SiteNeighbourhoods(IReadOnlyList<SitePlace> places, double radiusKm)
    {
        ArgumentNullException.ThrowIfNull(places);
        _radiusKm = radiusKm;
        // A degree of latitude is 111.2 km on the mean sphere: bands radius / 110 wide keep every neighbour within the
        // band of its site or the two beside it. A radius too large (or 0) for bands gives one band.
        var width = radiusKm / 110.0;
        _width = double.IsFinite(width) && width > 0 ? width : double.PositiveInfinity;
        _places = places.ToDictionary(p => p.Id);
        _bands = places.GroupBy(p => Band(p.Latitude)).ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>Every site known, in the order given.</summary>
    public IEnumerable<Guid> Sites => _places.Keys;

    /// <summary>The other sites whose incidents count at <paramref name="siteId"/>; none for an unknown site.</summary>
    public IReadOnlyList<Guid> Of(Guid siteId)
    {
        if (!_places.TryGetValue(siteId, out var here))
        {
            return [];
        }

        var band = Band(here.Latitude);
        return new[] { band - 1, band, band + 1 }.Distinct()
            .SelectMany(b => _bands.GetValueOrDefault(b, []))
            .Where(p => p.Id != siteId && GeoDistance.Kilometres(here.Latitude, here.Longitude, p.Latitude, p.Longitude) <= _radiusKm)
            .Select(p => p.Id)
            .ToList();
    }

    private long Band(double latitude) => double.IsPositiveInfinity(_width) ? 0 : (long)Math.Floor(latitude / _width);
}

/// <summary>
/// Estimates sites' threat from the running sums (<see cref="SiteThreatSum"/>) of them and their neighbours: one read
/// of small documents, whatever the length of the history. Callers score exactly (<see cref="SiteReader"/>) where an
/// estimate is missing or not certain.
/// </summary>
public static class ThreatSumReader
{
    /// <summary>The running sums of these sites, by id (a site without one is absent).</summary>
    public static async Task<IReadOnlyDictionary<Guid, SiteThreatSum>> SumsAsync(IQuerySession session, IEnumerable<Guid> siteIds, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var ids = siteIds.Distinct().ToArray();
        return ids.Length == 0
            ? new Dictionary<Guid, SiteThreatSum>()
            : (await session.LoadManyAsync<SiteThreatSum>(cancellation, ids).ConfigureAwait(false)).ToDictionary(s => s.Id);
    }

    /// <summary>Every site's running sum, by id.</summary>
    public static async Task<IReadOnlyDictionary<Guid, SiteThreatSum>> AllAsync(IQuerySession session, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        return (await session.Query<SiteThreatSum>().ToListAsync(cancellation).ConfigureAwait(false)).ToDictionary(s => s.Id);
    }

    /// <summary>The estimate for one site at <paramref name="at"/>; null when a sum it needs is missing or cannot serve.</summary>
    public static ThreatEstimate? Estimate(
        Guid siteId, SiteNeighbourhoods neighbourhoods, IReadOnlyDictionary<Guid, SiteThreatSum> sums, Instant at, ThreatOptions options)
    {
        ArgumentNullException.ThrowIfNull(neighbourhoods);
        ArgumentNullException.ThrowIfNull(sums);
        return ThreatEstimate.Of(sums.GetValueOrDefault(siteId), neighbourhoods.Of(siteId).Select(sums.GetValueOrDefault), at, options);
    }
}
