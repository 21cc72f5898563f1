using Microsoft.AspNetCore.Mvc;
using Marten;
using NodaTime;
using Posture.Domain.Sites;
using Posture.Domain.Threats;
using Posture.Infrastructure.Sites;

namespace Posture.Api.Sites;

/// <summary>
/// <c>GET /api/sites</c>: every site's posture now (or <c>at</c>), filtered by <c>region</c> and <c>minLevel</c>, by name,
/// paged by <c>page</c> and <c>pageSize</c> (1 to 500, default 500; see <see cref="Paging"/>).
/// </summary>
public static class ListSites
{
    [ProducesResponseType<IReadOnlyList<SiteSummary>>(200)]
    [WolverineGet("/api/sites")]
    [Requires(Role.Viewer)]
    public static async Task<IResult> Get(
        string? region, string? minLevel, string? at, string? page, string? pageSize, IQuerySession session, SiteReader reader, IClock clock,
        HttpContext http, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(clock);
        var query = new QueryParameters();
        var floor = query.Enum<ThreatLevel>(minLevel, "minLevel");
        var instant = query.Instant(at, "at") ?? clock.GetCurrentInstant();
        var paging = query.Paging(page, pageSize);
        if (query.Problem is { } problem)
        {
            return problem;
        }

        var sites = (await ThreatsAsync(session, reader, instant, cancellation).ConfigureAwait(false))
            .Where(s => region is null || string.Equals(s.Region, region.Trim(), StringComparison.OrdinalIgnoreCase))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .Where(s => floor is null || s.Threat.Level >= floor)
            .ToList();
        var shown = paging.Of(sites, http);
        var last = await LastIncidents.AtAsync(session, [.. shown.Select(s => s.Id)], instant, cancellation).ConfigureAwait(false);
        return Results.Ok(shown.Select(s => s with { LastIncidentAt = last.TryGetValue(s.Id, out var at) ? at : null }).ToList());
    }

    /// <summary>Beyond this many sites to score exactly, one read of every incident is cheaper than a read around each.</summary>
    private const int ExactAroundEach = 16;

    /// <summary>
    /// Every site's row at <paramref name="at"/>, without its last incident (read afterwards for the rows of the page
    /// only, in one statement over the incident log: <see cref="LastIncidents"/>). Level and score come from the running
    /// threat sums (one small document per site) wherever they are certain: the level when every score within the
    /// estimate's margin reaches the same band, the score when every such score rounds to the same four decimals, so
    /// each row says exactly what <c>GET /api/sites/{id}</c> says. The few sites near a threshold or a rounding boundary, and every site whose sums
    /// cannot serve (another half-life, a history read before they were kept, an incident after <paramref name="at"/>),
    /// are scored exactly from their incidents (docs/adr/0018).
    /// </summary>
    private static async Task<List<SiteSummary>> ThreatsAsync(IQuerySession session, SiteReader reader, Instant at, CancellationToken cancellation)
    {
        var batch = session.CreateBatchQuery();
        var sitesRead = batch.Query<SitePosture>().ToList();
        var sumsRead = batch.Query<SiteThreatSum>().ToList();
        var organisationsRead = batch.Query<Organisation>().ToList();
        await batch.Execute(cancellation).ConfigureAwait(false);
        var sites = await sitesRead.ConfigureAwait(false);
        var sums = (await sumsRead.ConfigureAwait(false)).ToDictionary(s => s.Id);
        var names = (await organisationsRead.ConfigureAwait(false)).ToDictionary(o => o.Id, o => o.Name);
        var places = sites.Select(s => new SitePlace(s.Id, s.Latitude, s.Longitude)).ToList();
        var neighbourhoods = new SiteNeighbourhoods(places, reader.Options.NearbyRadiusKm);

        var known = new Dictionary<Guid, ThreatSummary>();
        foreach (var site in sites)
        {
            var estimate = ThreatSumReader.Estimate(site.Id, neighbourhoods, sums, at, reader.Options);
            if (estimate?.Level(reader.Options.Thresholds) is { } level && estimate.Rounded(SiteViews.ScoreDecimals) is { } score)
            {
                known[site.Id] = new ThreatSummary(level, score);
            }
        }

        var exact = sites.Where(s => !known.ContainsKey(s.Id)).Select(s => s.Id).ToList();
        if (exact.Count > ExactAroundEach)
        {
            var everything = await reader.AllAsync(session, cancellation).ConfigureAwait(false);
            exact.ForEach(id => known[id] = SiteViews.Threat(everything, id, at));
        }
        else
        {
            foreach (var id in exact)
            {
                var around = await reader.AroundAsync(session, id, places, cancellation).ConfigureAwait(false);
                known[id] = SiteViews.Threat(around!, id, at);
            }
        }

        return sites.Select(site => SiteViews.Summary(site, known[site.Id], Headcount.OfSite(site.Id, site.PeopleChanges, at, names), null)).ToList();
    }
}
