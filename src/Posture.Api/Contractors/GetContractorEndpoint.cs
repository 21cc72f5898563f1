using Microsoft.AspNetCore.Mvc;
using Marten;
using NodaTime;
using Posture.Domain.Common;
using Posture.Domain.Contractors;

namespace Posture.Api.Contractors;

/// <summary>
/// A contractor as its stream says now: what it was engaged for, and for each site it has sent people to, how many
/// are there and how many evacuated from there are still away.
/// </summary>
public sealed record ContractorView(Guid Id, string Company, string Programme, Instant EngagedAt, long Version, IReadOnlyList<ContractorSiteView> Sites);

public sealed record ContractorSiteView(Guid BaseId, int People, int Evacuated);

public static class GetContractorEndpoint
{
    /// <summary>Folded live from the Contractor stream by the domain's own fold; there is no stored read model yet.</summary>
    [ProducesResponseType<ContractorView>(200)]
    [WolverineGet("/api/contractors/{id}")]
    [Requires(Role.Viewer)]
    public static async Task<IResult> Get(Guid id, IQuerySession session, HttpContext http, CancellationToken cancellation)
    {
        if (await session.FoldAsync<ContractorEngaged, Contractor>(id, Contractor.Evolve, cancellation).ConfigureAwait(false) is not { } stream)
        {
            return CommandResults.Problem(Rejection.NotFound($"no contractor with id {id} is engaged"));
        }

        var contractor = stream.State;
        var sites = contractor.People.Keys.Union(contractor.Evacuated.Keys).Order()
            .Select(baseId => new ContractorSiteView(baseId, contractor.PeopleAt(baseId).Latest, contractor.EvacuatedFrom(baseId).Latest))
            .ToList();
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.ETag = $"\"{stream.Version}\"";
        return Results.Ok(new ContractorView(id, contractor.Company, stream.First.Programme, contractor.EngagedAt, stream.Version, sites));
    }
}
