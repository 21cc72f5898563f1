using NodaTime;

namespace Posture.Api.Missions;

/// <summary>
/// The body of a change of a mission's authorised strength (expansions and reductions): <c>{from, to, at}</c>, each
/// required. <c>from</c> is the strength the caller believes is in force; the domain refuses it if it is not.
/// </summary>
public sealed record StrengthChangeRequest(int? From, int? To, Instant? At)
{
    /// <summary>A 400 naming every missing field, or the outcome of the command <paramref name="command"/> makes of them.</summary>
    public Task<IResult> SendAsync(IMessageBus bus, HttpContext http, Func<int, int, Instant, object> command, Func<CommandOutcome, IResult> onAccepted)
    {
        ArgumentNullException.ThrowIfNull(command);
        return CommandResults.MissingFields(("from", From), ("to", To), ("at", At)) is { } missing
            ? Task.FromResult(missing)
            : CommandResults.SendAsync(bus, http, command(From!.Value, To!.Value, At!.Value), onAccepted);
    }
}
