using JasperFx.Events;
using Posture.Domain.Common;

namespace Posture.Infrastructure.Bus;

/// <summary>
/// What a command handler answers to whoever sent the command (HTTP, the CLI, a peer over the bus): accepted, with
/// the stream and its version after the append, or refused with the domain's rejection. Nothing was written when
/// it is refused.
/// </summary>
public sealed record CommandOutcome(Guid StreamId, long Version, int EventsAppended, Rejection? Rejection)
{
    public bool Accepted => Rejection is null;

    public static CommandOutcome Refused(Guid streamId, Rejection rejection) => new(streamId, 0, 0, rejection);
}

/// <summary>Adapts a domain <see cref="Decision"/> to a Marten event stream fetched for writing.</summary>
public static class EventStreamDecisions
{
    public static CommandOutcome Record<T>(this IEventStream<T> stream, Decision decision) where T : class
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Rejection is { } rejection)
        {
            return CommandOutcome.Refused(stream.Id, rejection);
        }

        stream.AppendMany(decision.Events);
        return new CommandOutcome(stream.Id, (stream.StartingVersion ?? 0) + decision.Events.Count, decision.Events.Count, null);
    }
}
