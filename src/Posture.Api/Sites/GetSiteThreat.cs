using Microsoft.AspNetCore.Mvc;
using Marten;
using NodaTime;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Sites;

namespace Posture.Api.Sites;

/// <summary>
/// <c>GET /api/sites/{id}/threat?at=</c> (or <c>asOf</c> / <c>knownAt</c>, see <see cref="SiteMoment"/>): the threat at an
/// instant and each incident's contribution to it.
/// </summary>
public static class GetSiteThreat
{
    [ProducesResponseType<ThreatExplanation>(200)]
    [WolverineGet("/api/sites/{id}/threat")]
    public static async Task<IResult> Get(
        Guid id, string? at, string? asOf, string? knownAt, IQuerySession session, SiteReader reader, HistoryReader history, IClock clock,
        CancellationToken cancellation)
    {
        var query = new QueryParameters();
        if (SiteMoment.Read(query, at, asOf, knownAt, clock) is not { } moment)
        {
            return query.Problem!;
        }

        var snapshot = await moment.SnapshotAsync(session, id, reader, history, cancellation).ConfigureAwait(false);
        if (snapshot?.Site(id) is null)
        {
            return SiteProblems.Unknown(id);
        }

        var threat = snapshot.Threat(id, moment.At);
        return Results.Ok(new ThreatExplanation(
            id, moment.At, threat.Level, threat.Score, threat.ComputedLevel, threat.RecommendedFpcon, threat.Floor, threat.Contributions)
        {
            KnownAt = moment.KnownAt,
        });
    }
}
