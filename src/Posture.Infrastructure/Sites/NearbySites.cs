using Marten;
using Npgsql;
using NpgsqlTypes;
using Posture.Domain.Incidents;
using Posture.Domain.Sites;
using Posture.Domain.Threats;

namespace Posture.Infrastructure.Sites;

/// <summary>
/// The sites that may lie within a radius of one site, found by PostgreSQL, with the ids and versions of their
/// incidents when asked: a site read's first round trip, instead of reading where all 1,000 sites are and then listing
/// the incidents of the few near (docs/adr/0034).
/// </summary>
/// <remarks>
/// PostgreSQL only narrows the sites down: it keeps those within a latitude band and, by the haversine formula, within
/// the radius plus a margin, from the positions as they are stored now (a site never moves, and one registered by
/// another process a moment ago is found). Which of them are near is decided in process by <see cref="SiteReader.Near"/>,
/// the rule every other read uses, so a site at the very edge of the radius is in or out by the same arithmetic
/// whichever read asks. The margin is far larger than any difference between the server's and .NET's trigonometry.
/// </remarks>
internal static class NearbySites
{
    /// <summary>Kilometres the server's filter reaches beyond the radius.</summary>
    private const double MarginKm = 1;

    /// <summary>The candidate sites (the site itself among them, when it exists) and, when listed, their incidents.</summary>
    public sealed record Candidates(IReadOnlyList<SitePlace> Places, IReadOnlyList<(Guid SiteId, Guid Id, uint Version)> Incidents)
    {
        /// <summary>The listed incidents of these sites, as <see cref="IncidentRows.ListAsync"/> gives them.</summary>
        public IReadOnlyList<(Guid Id, uint Version)> IncidentsOf(IReadOnlyCollection<Guid> siteIds)
        {
            var of = siteIds as ISet<Guid> ?? siteIds.ToHashSet();
            return Incidents.Where(i => of.Contains(i.SiteId)).Select(i => (i.Id, i.Version)).ToList();
        }
    }

    public static async Task<Candidates> AroundAsync(
        IQuerySession session, Guid siteId, double radiusKm, bool listIncidents, CancellationToken cancellation)
    {
        var sites = session.DocumentStore.Options.Schema.For<SitePosture>();
        var incidents = session.DocumentStore.Options.Schema.For<IncidentLogEntry>();
        const string latitude = SiteReader.LatitudeOfS;
        const string longitude = SiteReader.LongitudeOfS;
        // The incidents' site expression is the first column of the (site, occurred-at) index PostureStore declares,
        // so each candidate's incidents are found by that index (IncidentRows.ListAsync reads them the same way).
        var listing = listIncidents
            ? $"select n.id, n.lat, n.lon, i.id, i.xmin from near n left join {incidents} i on CAST(i.data ->> 'siteId' as uuid) = n.id"
            : "select n.id, n.lat, n.lon, null::uuid, null::xid from near n";
        await using var command = new NpgsqlCommand($"""
            with here as (
                select {latitude} as lat, {longitude} as lon from {sites} s where s.id = @site),
            placed as (
                select s.id, {latitude} as lat, {longitude} as lon from {sites} s),
            near as (
                select p.id, p.lat, p.lon from placed p, here h
                where p.lat between h.lat - @band and h.lat + @band
                  and 2 * @earth * asin(sqrt(least(1.0,
                        power(sin(radians(p.lat - h.lat) / 2), 2)
                        + cos(radians(h.lat)) * cos(radians(p.lat)) * power(sin(radians(p.lon - h.lon) / 2), 2)))) <= @km)
            {listing}
            """);
        command.Parameters.AddWithValue("site", NpgsqlDbType.Uuid, siteId);
        // A degree of latitude is 111.2 km on the mean sphere (SiteReader.Near's bound), with the margin on top.
        command.Parameters.AddWithValue("band", NpgsqlDbType.Double, (radiusKm + MarginKm) / 110.0);
        command.Parameters.AddWithValue("km", NpgsqlDbType.Double, radiusKm + MarginKm);
        command.Parameters.AddWithValue("earth", NpgsqlDbType.Double, GeoDistance.EarthRadiusKm);
        await using var reader = await session.ExecuteReaderAsync(command, cancellation).ConfigureAwait(false);
        var places = new List<SitePlace>();
        var listed = new List<(Guid, Guid, uint)>();
        var seen = new HashSet<Guid>();
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            // One row per incident of a candidate (one row for a candidate without any), the candidate's position on each.
            var site = reader.GetGuid(0);
            if (seen.Add(site))
            {
                places.Add(new SitePlace(site, reader.GetDouble(1), reader.GetDouble(2)));
            }

            if (!reader.IsDBNull(3))
            {
                listed.Add((site, reader.GetGuid(3), reader.GetFieldValue<uint>(4)));
            }
        }

        return new Candidates(places, listed);
    }
}
