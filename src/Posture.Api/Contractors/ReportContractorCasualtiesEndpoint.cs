using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Posture.Domain.Contractors;

namespace Posture.Api.Contractors;

/// <summary>
/// The body of <c>POST /api/contractors/{id}/casualties</c>: people of the contractor at a site killed or injured.
/// An omitted <c>killed</c> or <c>injured</c> is none (the seed story's report names only one injured).
/// </summary>
public sealed record ReportContractorCasualtiesRequest(Guid? BaseId, int? Killed, int? Injured, Instant? At);

public static class ReportContractorCasualtiesEndpoint
{
    [ProducesResponseType<ContractorChanged>(200)]
    [WolverinePost("/api/contractors/{id}/casualties")]
    [Requires(Role.Officer)]
    public static async Task<IResult> Post(Guid id, ReportContractorCasualtiesRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bus);
        if (CommandResults.MissingFields(("baseId", request.BaseId), ("at", request.At)) is { } missing)
        {
            return missing;
        }

        var command = new ReportContractorCasualties(id, request.BaseId!.Value, request.Killed ?? 0, request.Injured ?? 0, request.At!.Value);
        return await CommandResults.SendAsync(bus, http, command, ok => Results.Ok(new ContractorChanged(id, ok.Version))).ConfigureAwait(false);
    }
}
