using Microsoft.AspNetCore.Mvc;
using Posture.Domain.Missions;

namespace Posture.Api.Missions;

/// <summary><c>POST /api/missions/{id}/reductions</c> <c>{from, to, at}</c>: the authorised strength shrinks.</summary>
public static class ReduceMissionEndpoint
{
    [ProducesResponseType<MissionChanged>(200)]
    [WolverinePost("/api/missions/{id}/reductions")]
    [Requires(Role.Officer)]
    public static Task<IResult> Post(Guid id, StrengthChangeRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.SendAsync(bus, http, (from, to, at) => new ReduceMission(id, from, to, at), ok => Results.Ok(new MissionChanged(id, ok.Version)));
    }
}
