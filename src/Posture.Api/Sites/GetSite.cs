using Microsoft.AspNetCore.Mvc;
using Marten;
using NodaTime;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Sites;

namespace Posture.Api.Sites;

/// <summary>
/// <c>GET /api/sites/{id}</c>: one site's posture now (or <c>at</c> / <c>asOf</c>, as known now or at <c>knownAt</c>;
/// see <see cref="SiteMoment"/>): threat with its reasons, FPCON, headcount by organisation and recent incidents. The
/// ETag (on answers about what is known now) is the version of the site's Base stream.
/// </summary>
public static class GetSite
{
    [ProducesResponseType<SiteDetail>(200)]
    [WolverineGet("/api/sites/{id}")]
    [Requires(Role.Viewer)]
    public static async Task<IResult> Get(
        Guid id, string? at, string? asOf, string? knownAt, IQuerySession session, SiteReader reader, HistoryReader history, IClock clock,
        HttpContext http, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(http);
        var query = new QueryParameters();
        if (SiteMoment.Read(query, at, asOf, knownAt, clock) is not { } moment)
        {
            return query.Problem!;
        }

        var snapshot = await moment.SnapshotAsync(session, id, reader, history, cancellation).ConfigureAwait(false);
        if (snapshot?.Site(id) is not { } site)
        {
            return SiteProblems.Unknown(id);
        }

        if (moment.KnownAt is null)
        {
            http.Response.Headers.ETag = $"\"{site.BaseVersion}\"";
        }

        return Results.Ok(SiteViews.Detail(snapshot, site, moment.At) with { KnownAt = moment.KnownAt });
    }
}

/// <summary>The answers shared by every site query.</summary>
public static class SiteProblems
{
    public static IResult Unknown(Guid id) =>
        Results.Problem($"no site with id {id} is registered", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
