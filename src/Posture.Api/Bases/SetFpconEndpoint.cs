using Posture.Api.Http;
using Posture.Domain.Bases;
using Posture.Domain.Threats;
using Posture.Infrastructure.Bus;
using Wolverine;
using Wolverine.Http;

namespace Posture.Api.Bases;

/// <summary>The body of <c>POST /api/bases/{baseId}/fpcon</c>: a commander's force-protection condition.</summary>
public sealed record SetFpconRequest(ForceProtectionCondition? Condition, string? Reason);

public static class SetFpconEndpoint
{
    [WolverinePost("/api/bases/{baseId}/fpcon")]
    public static async Task<IResult> Post(Guid baseId, SetFpconRequest request, IMessageBus bus)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bus);
        if (CommandResults.MissingFields(("condition", request.Condition)) is { } missing)
        {
            return missing;
        }

        var outcome = await bus.InvokeAsync<CommandOutcome>(
            new SetForceProtectionCondition(baseId, request.Condition!.Value, request.Reason ?? "")).ConfigureAwait(false);
        return CommandResults.From(outcome, ok => Results.Ok(new { baseId, version = ok.Version }));
    }
}
