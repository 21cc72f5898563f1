using NodaTime;
using Posture.Api.Http;
using Posture.Domain.Bases;
using Posture.Domain.Threats;
using Posture.Infrastructure.Bus;
using Wolverine;
using Wolverine.Http;

namespace Posture.Api.Bases;

/// <summary>The body of <c>POST /api/bases/{baseId}/assessments</c>: an analyst's floor under the threat level.</summary>
public sealed record AssessThreatRequest(ThreatLevel? Level, string? Reason, Instant? ExpiresAt);

public static class AssessThreatEndpoint
{
    [WolverinePost("/api/bases/{baseId}/assessments")]
    public static async Task<IResult> Post(Guid baseId, AssessThreatRequest request, IMessageBus bus)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bus);
        if (CommandResults.MissingFields(("level", request.Level), ("expiresAt", request.ExpiresAt)) is { } missing)
        {
            return missing;
        }

        var outcome = await bus.InvokeAsync<CommandOutcome>(
            new AssessThreat(baseId, request.Level!.Value, request.Reason ?? "", request.ExpiresAt!.Value)).ConfigureAwait(false);
        return CommandResults.From(outcome, ok => Results.Ok(new { baseId, version = ok.Version }));
    }
}
