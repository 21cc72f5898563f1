using Microsoft.AspNetCore.Mvc;
using Marten;
using NodaTime;
using Posture.Domain.Common;
using Posture.Domain.Missions;

namespace Posture.Api.Missions;

/// <summary>
/// A mission as its stream says now: its authorised strength, the sites it was launched to work from, and how many
/// personnel are assigned in all and at each site.
/// </summary>
public sealed record MissionView(
    Guid Id, string Name, int AuthorisedStrength, Instant LaunchedAt, IReadOnlyList<Guid> Locations, int Assigned, long Version,
    IReadOnlyList<MissionSiteView> Sites);

public sealed record MissionSiteView(Guid BaseId, int Personnel);

public static class GetMissionEndpoint
{
    /// <summary>Folded live from the Mission stream by the domain's own fold; there is no stored read model yet.</summary>
    [ProducesResponseType<MissionView>(200)]
    [WolverineGet("/api/missions/{id}")]
    [Requires(Role.Viewer)]
    public static async Task<IResult> Get(Guid id, IQuerySession session, HttpContext http, CancellationToken cancellation)
    {
        if (await session.FoldAsync<MissionLaunched, Mission>(id, Mission.Evolve, cancellation).ConfigureAwait(false) is not { } stream)
        {
            return CommandResults.Problem(Rejection.NotFound($"no mission with id {id} is launched"));
        }

        var mission = stream.State;
        var sites = mission.Assigned.Keys.Order().Select(baseId => new MissionSiteView(baseId, mission.AssignedAt(baseId).Latest)).ToList();
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.ETag = $"\"{stream.Version}\"";
        return Results.Ok(new MissionView(
            id, mission.Name, mission.AuthorisedStrength, mission.LaunchedAt, stream.First.Locations, sites.Sum(s => s.Personnel), stream.Version, sites));
    }
}
