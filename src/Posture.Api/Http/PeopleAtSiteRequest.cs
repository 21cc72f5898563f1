using NodaTime;

namespace Posture.Api.Http;

/// <summary>
/// The body of every command that moves a number of people at one site at an instant: contractors deployed or
/// returned, mission personnel assigned or withdrawn. <c>{baseId, count, at}</c>, each required; the domain checks
/// their values.
/// </summary>
public sealed record PeopleAtSiteRequest(Guid? BaseId, int? Count, Instant? At)
{
    /// <summary>A 400 naming every missing field, or the outcome of the command <paramref name="command"/> makes of them.</summary>
    public Task<IResult> SendAsync(
        IMessageBus bus, HttpContext http, Func<Guid, int, Instant, object> command, Func<CommandOutcome, IResult> onAccepted)
    {
        ArgumentNullException.ThrowIfNull(command);
        return CommandResults.MissingFields(("baseId", BaseId), ("count", Count), ("at", At)) is { } missing
            ? Task.FromResult(missing)
            : CommandResults.SendAsync(bus, http, command(BaseId!.Value, Count!.Value, At!.Value), onAccepted);
    }
}
