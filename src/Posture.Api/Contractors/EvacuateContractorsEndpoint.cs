using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Posture.Domain.Contractors;

namespace Posture.Api.Contractors;

/// <summary>
/// The body of <c>POST /api/contractors/{id}/evacuations</c>: people of the contractor taken away from a site, where
/// to (if known) and why.
/// </summary>
public sealed record EvacuateContractorsRequest(Guid? BaseId, int? Count, Instant? At, string? Destination, string? Reason);

public static class EvacuateContractorsEndpoint
{
    [ProducesResponseType<ContractorChanged>(200)]
    [WolverinePost("/api/contractors/{id}/evacuations")]
    [Requires(Role.Officer)]
    public static async Task<IResult> Post(Guid id, EvacuateContractorsRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bus);
        if (CommandResults.MissingFields(("baseId", request.BaseId), ("count", request.Count), ("at", request.At)) is { } missing)
        {
            return missing;
        }

        var command = new EvacuateContractors(
            id, request.BaseId!.Value, request.Count!.Value, request.Destination, request.Reason ?? "", request.At!.Value);
        return await CommandResults.SendAsync(bus, http, command, ok => Results.Ok(new ContractorChanged(id, ok.Version))).ConfigureAwait(false);
    }
}
