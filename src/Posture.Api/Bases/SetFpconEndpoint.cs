using Microsoft.AspNetCore.Mvc;
using Posture.Domain.Bases;
using Posture.Domain.Threats;

namespace Posture.Api.Bases;

/// <summary>The body of <c>POST /api/bases/{baseId}/fpcon</c>: a commander's force-protection condition.</summary>
public sealed record SetFpconRequest(ForceProtectionCondition? Condition, string? Reason);

public static class SetFpconEndpoint
{
    [ProducesResponseType<BaseChanged>(200)]
    [WolverinePost("/api/bases/{baseId}/fpcon")]
    [Requires(Role.Officer)]
    public static async Task<IResult> Post(Guid baseId, SetFpconRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bus);
        if (CommandResults.MissingFields(("condition", request.Condition)) is { } missing)
        {
            return missing;
        }

        var command = new SetForceProtectionCondition(baseId, request.Condition!.Value, request.Reason ?? "");
        var outcome = await bus.SendAsync(http, command).ConfigureAwait(false);
        return CommandResults.From(outcome, ok => Results.Ok(new BaseChanged(baseId, ok.Version)));
    }
}
