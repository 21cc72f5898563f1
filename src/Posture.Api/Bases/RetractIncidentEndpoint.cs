using Microsoft.AspNetCore.Mvc;
using Posture.Domain.Bases;

namespace Posture.Api.Bases;

/// <summary>The body of <c>POST /api/bases/{baseId}/incidents/{incidentId}/retractions</c>.</summary>
public sealed record RetractIncidentRequest(string? Reason);

public static class RetractIncidentEndpoint
{
    [ProducesResponseType<IncidentChanged>(200)]
    [WolverinePost("/api/bases/{baseId}/incidents/{incidentId}/retractions")]
    [Requires(Role.Reporter)]
    public static async Task<IResult> Post(Guid baseId, Guid incidentId, RetractIncidentRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bus);
        var command = new RetractIncident(baseId, incidentId, request.Reason ?? "");
        var outcome = await bus.SendAsync(http, command).ConfigureAwait(false);
        return CommandResults.From(outcome, ok => Results.Ok(new IncidentChanged(baseId, incidentId, ok.Version)));
    }
}
