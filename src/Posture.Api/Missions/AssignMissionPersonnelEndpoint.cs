using Microsoft.AspNetCore.Mvc;
using Posture.Domain.Missions;

namespace Posture.Api.Missions;

/// <summary><c>POST /api/missions/{id}/assignments</c> <c>{baseId, count, at}</c>: mission personnel assigned to a site.</summary>
public static class AssignMissionPersonnelEndpoint
{
    [ProducesResponseType<MissionChanged>(200)]
    [WolverinePost("/api/missions/{id}/assignments")]
    [Requires(Role.Officer)]
    public static Task<IResult> Post(Guid id, PeopleAtSiteRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.SendAsync(
            bus, http, (baseId, count, at) => new AssignMissionPersonnel(id, baseId, count, at), ok => Results.Ok(new MissionChanged(id, ok.Version)));
    }
}
