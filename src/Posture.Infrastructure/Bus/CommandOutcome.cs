using JasperFx.Events;
using Marten;
using NodaTime;
using Posture.Domain.Common;
using Wolverine;

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

/// <summary>The one shape of every command handler: load the stream's state, let the domain decide, append.</summary>
public static class StreamDecisions
{
    /// <summary>
    /// Fetches <typeparamref name="T"/>'s state for writing (the append then fails if another writer got there first),
    /// asks <paramref name="decide"/> at the clock's current instant, and appends what it decided. Wolverine's
    /// transactional middleware commits the session.
    /// </summary>
    public static async Task<CommandOutcome> DecideAsync<T>(
        this IDocumentSession session, Guid streamId, IMessageContext context, IClock clock, Func<T?, Instant, Decision> decide,
        CancellationToken cancellation)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(decide);
        // Who, and which command: recorded as Marten metadata on every event this command appends.
        session.LastModifiedBy = Callers.Of(context);
        if (context.Envelope is { } envelope)
        {
            session.CausationId = envelope.Id.ToString();
            session.CorrelationId = envelope.CorrelationId ?? envelope.Id.ToString();
        }

        var stream = await session.Events.FetchForWriting<T>(streamId, cancellation).ConfigureAwait(false);
        return stream.Record(decide(stream.Aggregate, clock.GetCurrentInstant()));
    }

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
