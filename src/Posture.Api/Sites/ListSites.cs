using Microsoft.AspNetCore.Mvc;
using Marten;
using NodaTime;
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

        var snapshot = await reader.AllAsync(session, cancellation).ConfigureAwait(false);
        var sites = snapshot.Sites
            .Where(s => region is null || string.Equals(s.Region, region.Trim(), StringComparison.OrdinalIgnoreCase))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => SiteViews.Summary(snapshot, s, instant))
            .Where(s => floor is null || s.Threat.Level >= floor)
            .ToList();
        return Results.Ok(paging.Of(sites, http));
    }
}
