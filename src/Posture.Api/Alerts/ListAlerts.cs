using Microsoft.AspNetCore.Mvc;
using Marten;
using Posture.Domain.Threats;

namespace Posture.Api.Alerts;

/// <summary>
/// <c>GET /api/alerts</c>: raised threat levels and evacuation recommendations, newest first; <c>site</c> narrows to
/// one site, <c>limit</c> (1 to 500, default 100) caps the list.
/// </summary>
public static class ListAlerts
{
    [ProducesResponseType<IReadOnlyList<Posture.Domain.Threats.Alert>>(200)]
    [WolverineGet("/api/alerts")]
    [Requires(Role.Viewer)]
    public static async Task<IResult> Get(string? site, string? limit, IQuerySession session, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var query = new QueryParameters();
        var siteId = query.Id(site, "site");
        var count = query.WholeNumber(limit, "limit", 100, 1, 500);
        if (query.Problem is { } problem)
        {
            return problem;
        }

        IQueryable<Alert> alerts = session.Query<Alert>();
        if (siteId is { } only)
        {
            alerts = alerts.Where(a => a.SiteId == only);
        }

        var list = await alerts.OrderByDescending(a => a.AtUnixMilliseconds).Take(count).ToListAsync(cancellation).ConfigureAwait(false);
        // Same instant: the evacuation recommendation is the more urgent line, so it comes first.
        return Results.Ok(list.OrderByDescending(a => a.AtUnixMilliseconds).ThenByDescending(a => a.Kind).ToList());
    }
}
