using Posture.Api.Http;
using Posture.Domain.Bases;
using Posture.Infrastructure.Bus;
using Wolverine;
using Wolverine.Http;

namespace Posture.Api.Bases;

/// <summary>The body of <c>POST /api/bases/{baseId}/incidents/{incidentId}/retractions</c>.</summary>
public sealed record RetractIncidentRequest(string? Reason);

public static class RetractIncidentEndpoint
{
    [WolverinePost("/api/bases/{baseId}/incidents/{incidentId}/retractions")]
    public static async Task<IResult> Post(Guid baseId, Guid incidentId, RetractIncidentRequest request, IMessageBus bus)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bus);
        var outcome = await bus.InvokeAsync<CommandOutcome>(new RetractIncident(baseId, incidentId, request.Reason ?? "")).ConfigureAwait(false);
        return CommandResults.From(outcome, ok => Results.Ok(new { baseId, incidentId, version = ok.Version }));
    }
}
