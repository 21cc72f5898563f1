using Microsoft.AspNetCore.Mvc;
using Posture.Domain.Missions;

namespace Posture.Api.Missions;

/// <summary><c>POST /api/missions/{id}/expansions</c> <c>{from, to, at}</c>: the authorised strength grows (500 to 4,000).</summary>
public static class ExpandMissionEndpoint
{
    [ProducesResponseType<MissionChanged>(200)]
    [WolverinePost("/api/missions/{id}/expansions")]
    [Requires(Role.Officer)]
    public static Task<IResult> Post(Guid id, StrengthChangeRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.SendAsync(bus, http, (from, to, at) => new ExpandMission(id, from, to, at), ok => Results.Ok(new MissionChanged(id, ok.Version)));
    }
}
