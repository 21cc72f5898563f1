using Microsoft.AspNetCore.Mvc;
using Posture.Domain.Contractors;

namespace Posture.Api.Contractors;

/// <summary><c>POST /api/contractors/{id}/deployments</c> <c>{baseId, count, at}</c>: people of the contractor arrived at a site.</summary>
public static class DeployContractorsEndpoint
{
    [ProducesResponseType<ContractorChanged>(200)]
    [WolverinePost("/api/contractors/{id}/deployments")]
    [Requires(Role.Officer)]
    public static Task<IResult> Post(Guid id, PeopleAtSiteRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.SendAsync(
            bus, http, (baseId, count, at) => new DeployContractors(id, baseId, count, at), ok => Results.Ok(new ContractorChanged(id, ok.Version)));
    }
}
