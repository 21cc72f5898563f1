using Microsoft.AspNetCore.Mvc;
using Marten;
using NodaTime;
using Posture.Infrastructure.Sites;

namespace Posture.Api.Sites;

/// <summary><c>GET /api/sites/{id}/threat?at=</c>: the threat at an instant and each incident's contribution to it.</summary>
public static class GetSiteThreat
{
    [ProducesResponseType<ThreatExplanation>(200)]
    [WolverineGet("/api/sites/{id}/threat")]
    public static async Task<IResult> Get(Guid id, string? at, IQuerySession session, SiteReader reader, IClock clock, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(clock);
        var query = new QueryParameters();
        var instant = query.Instant(at, "at") ?? clock.GetCurrentInstant();
        if (query.Problem is { } problem)
        {
            return problem;
        }

        var snapshot = await reader.AroundAsync(session, id, cancellation).ConfigureAwait(false);
        if (snapshot?.Site(id) is null)
        {
            return SiteProblems.Unknown(id);
        }

        var threat = snapshot.Threat(id, instant);
        return Results.Ok(new ThreatExplanation(
            id, instant, threat.Level, threat.Score, threat.ComputedLevel, threat.RecommendedFpcon, threat.Floor, threat.Contributions));
    }
}
