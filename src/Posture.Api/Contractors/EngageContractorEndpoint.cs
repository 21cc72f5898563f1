using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Posture.Domain.Contractors;

namespace Posture.Api.Contractors;

/// <summary>
/// The body of <c>POST /api/contractors</c>: a company's presence to follow. Without <c>engagedAt</c> the engagement
/// begins when the command is decided.
/// </summary>
public sealed record EngageContractorRequest(Guid? Id, string? Company, string? Programme, Instant? EngagedAt);

public static class EngageContractorEndpoint
{
    [ProducesResponseType<Created>(201)]
    [WolverinePost("/api/contractors")]
    [Requires(Role.Officer)]
    public static async Task<IResult> Post(EngageContractorRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bus);
        var command = new EngageContractor(
            request.Id ?? HttpCaller.NewId(http, "contractor"), request.Company ?? "", request.Programme ?? "", request.EngagedAt);
        return await CommandResults.SendAsync(bus, http, command, ok => Results.Created($"/api/contractors/{ok.StreamId}", new Created(ok.StreamId, ok.Version))).ConfigureAwait(false);
    }
}
