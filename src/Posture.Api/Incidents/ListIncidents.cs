using Microsoft.AspNetCore.Mvc;
using Marten;
using Marten.Linq.MatchesSql;
using Posture.Api.Sites;
using Posture.Domain.Bases;
using Posture.Domain.Incidents;
using Posture.Domain.Sites;

namespace Posture.Api.Incidents;

/// <summary>A page of the incident log, newest first, with how many incidents match in all.</summary>
public sealed record IncidentPage(IReadOnlyList<IncidentView> Items, int Page, int PageSize, int Total);

/// <summary>
/// <c>GET /api/incidents</c>: the incident log (corrections applied, retractions removed), filtered by <c>site</c>,
/// <c>region</c>, <c>kind</c>, <c>from</c>/<c>to</c> (occurred-at, inclusive) and <c>claimedBy</c>, paged by
/// <c>page</c> (from 1) and <c>pageSize</c> (1 to 500, default 50).
/// </summary>
public static class ListIncidents
{
    [ProducesResponseType<IncidentPage>(200)]

    [WolverineGet("/api/incidents")]

    [Requires(Role.Viewer)]
    public static async Task<IResult> Get(
        string? site, string? region, string? kind, string? from, string? to, string? claimedBy, string? page, string? pageSize,
        IQuerySession session, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var query = new QueryParameters();
        var siteId = query.Id(site, "site");
        var incidentKind = query.Enum<IncidentKind>(kind, "kind");
        var since = query.Instant(from, "from");
        var until = query.Instant(to, "to");
        var paging = query.Paging(page, pageSize, defaultSize: 50);
        query.Require(since is null || until is null || since <= until, "to", "must not be before from");
        if (query.Problem is { } problem)
        {
            return problem;
        }

        IQueryable<IncidentLogEntry> incidents = session.Query<IncidentLogEntry>();
        if (siteId is { } only)
        {
            incidents = incidents.Where(i => i.SiteId == only);
        }

        if (!string.IsNullOrWhiteSpace(region))
        {
            var name = region.Trim();
            var inRegion = (await session.Query<SitePosture>().ToListAsync(cancellation).ConfigureAwait(false))
                .Where(s => string.Equals(s.Region, name, StringComparison.OrdinalIgnoreCase)).Select(s => s.Id).ToArray();
            incidents = incidents.Where(i => i.SiteId.IsOneOf(inRegion));
        }

        if (incidentKind is { } k)
        {
            incidents = incidents.Where(i => i.MatchesSql("d.data ->> 'kind' = ?", QueryParameters.Word(k)));
        }

        if (since is { } start)
        {
            var ms = start.ToUnixTimeMilliseconds();
            incidents = incidents.Where(i => i.OccurredAtUnixMilliseconds >= ms);
        }

        if (until is { } end)
        {
            var ms = end.ToUnixTimeMilliseconds();
            incidents = incidents.Where(i => i.OccurredAtUnixMilliseconds <= ms);
        }

        if (!string.IsNullOrWhiteSpace(claimedBy))
        {
            incidents = incidents.Where(i => i.MatchesSql(
                "d.data -> 'report' ->> 'attribution' = 'claimed' and d.data -> 'report' ->> 'attributedTo' ilike ?", claimedBy.Trim()));
        }

        var total = await incidents.CountAsync(cancellation).ConfigureAwait(false);
        var items = await incidents.OrderByDescending(i => i.OccurredAtUnixMilliseconds).ThenBy(i => i.Id)
            .Skip(paging.Skip).Take(paging.Size).ToListAsync(cancellation).ConfigureAwait(false);
        return Results.Ok(new IncidentPage(items.Select(IncidentView.From).ToList(), paging.Page, paging.Size, total));
    }
}
