using Microsoft.AspNetCore.Mvc;
using Posture.Domain.Contractors;

namespace Posture.Api.Contractors;

/// <summary><c>POST /api/contractors/{id}/returns</c> <c>{baseId, count, at}</c>: people evacuated from a site came back to it.</summary>
public static class ReturnContractorsEndpoint
{
    [ProducesResponseType<ContractorChanged>(200)]
    [WolverinePost("/api/contractors/{id}/returns")]
    [Requires(Role.Officer)]
    public static Task<IResult> Post(Guid id, PeopleAtSiteRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.SendAsync(
            bus, http, (baseId, count, at) => new ReturnContractors(id, baseId, count, at), ok => Results.Ok(new ContractorChanged(id, ok.Version)));
    }
}
