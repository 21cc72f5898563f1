using Microsoft.AspNetCore.Mvc;
using Marten;
using NodaTime;
using Posture.Infrastructure.Sites;

namespace Posture.Api.Sites;

/// <summary>
/// <c>GET /api/sites/{id}</c>: one site's posture now (or <c>at</c>): threat with its reasons, FPCON, headcount by
/// organisation and recent incidents. The ETag is the version of the site's Base stream.
/// </summary>
public static class GetSite
{
    [ProducesResponseType<SiteDetail>(200)]
    [WolverineGet("/api/sites/{id}")]
    public static async Task<IResult> Get(
        Guid id, string? at, IQuerySession session, SiteReader reader, IClock clock, HttpContext http, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(http);
        var query = new QueryParameters();
        var instant = query.Instant(at, "at") ?? clock.GetCurrentInstant();
        if (query.Problem is { } problem)
        {
            return problem;
        }

        var snapshot = await reader.AroundAsync(session, id, cancellation).ConfigureAwait(false);
        if (snapshot?.Site(id) is not { } site)
        {
            return SiteProblems.Unknown(id);
        }

        http.Response.Headers.ETag = $"\"{site.BaseVersion}\"";
        return Results.Ok(SiteViews.Detail(snapshot, site, instant));
    }
}

/// <summary>The answers shared by every site query.</summary>
public static class SiteProblems
{
    public static IResult Unknown(Guid id) =>
        Results.Problem($"no site with id {id} is registered", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
