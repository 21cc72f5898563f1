using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Threats;

namespace Posture.Api.Bases;

/// <summary>The body of <c>POST /api/bases/{baseId}/assessments</c>: an analyst's floor under the threat level.</summary>
public sealed record AssessThreatRequest(ThreatLevel? Level, string? Reason, Instant? ExpiresAt);

public static class AssessThreatEndpoint
{
    [ProducesResponseType<BaseChanged>(200)]
    [WolverinePost("/api/bases/{baseId}/assessments")]
    [Requires(Role.Officer)]
    public static async Task<IResult> Post(Guid baseId, AssessThreatRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bus);
        if (CommandResults.MissingFields(("level", request.Level), ("expiresAt", request.ExpiresAt)) is { } missing)
        {
            return missing;
        }

        var command = new AssessThreat(baseId, request.Level!.Value, request.Reason ?? "", request.ExpiresAt!.Value);
        var outcome = await bus.SendAsync(http, command).ConfigureAwait(false);
        return CommandResults.From(outcome, ok => Results.Ok(new BaseChanged(baseId, ok.Version)));
    }
}
