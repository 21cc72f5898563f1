using Marten;
using Posture.Domain.Sites;

namespace Posture.Api.Sites;

/// <summary>Read-model queries over each site's posture: plain GETs over Marten documents.</summary>
public static class SiteQueries
{
    [WolverineGet("/api/sites/{id}")]
    public static async Task<IResult> GetSite(Guid id, IQuerySession session, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var site = await session.LoadAsync<SitePosture>(id, cancellation).ConfigureAwait(false);
        return site is null
            ? Results.Problem($"no site with id {id} is registered", statusCode: StatusCodes.Status404NotFound, title: "Not found")
            : Results.Ok(site);
    }

    [WolverineGet("/api/sites")]
    public static async Task<IReadOnlyList<SitePosture>> ListSites(IQuerySession session, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        return await session.Query<SitePosture>().OrderBy(s => s.Name).ToListAsync(cancellation).ConfigureAwait(false);
    }
}
