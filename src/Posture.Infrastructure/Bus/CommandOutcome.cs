using JasperFx.Events;
using Marten;
using Marten.Services.BatchQuerying;
using NodaTime;
using Posture.Domain.Common;
using Posture.Infrastructure.Marten;
using Wolverine;

namespace Posture.Infrastructure.Bus;

/// <summary>
/// What a command handler answers to whoever sent the command (HTTP, the CLI, a peer over the bus): accepted, with
/// the stream and its version after the append, or refused with the domain's rejection. Nothing was written when
/// it is refused.
/// </summary>
public sealed record CommandOutcome(Guid StreamId, long Version, int EventsAppended, Rejection? Rejection, bool Replayed = false)
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
    public static Task<CommandOutcome> DecideAsync<T>(
        this IDocumentSession session, Guid streamId, IMessageContext context, IClock clock, Func<T?, Instant, Decision> decide,
        CancellationToken cancellation)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(decide);
        return session.DecideAsync<T, object>(streamId, context, clock, read: null, (state, _, _, now) => decide(state, now), cancellation);
    }

    /// <summary>
    /// <see cref="DecideAsync{T}(IDocumentSession, Guid, IMessageContext, IClock, Func{T, Instant, Decision}, CancellationToken)"/>
    /// for a decision that needs more than the stream's state: <paramref name="read"/> adds what else it needs to the
    /// batch query that fetches the state, so both come in one round trip, and <paramref name="decide"/> is given what it
    /// read (default when the stream was not fetched: an empty id) with the version the state was read at (0 for no
    /// stream), to leave out anything newer. The append still fails if the stream moved on meanwhile.
    /// </summary>
    public static async Task<CommandOutcome> DecideAsync<T, TRead>(
        this IDocumentSession session, Guid streamId, IMessageContext context, IClock clock,
        Func<IBatchedQuery, Task<TRead>>? read, Func<T?, TRead?, long, Instant, Decision> decide, CancellationToken cancellation)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(decide);
        // Who, and which command: recorded as Marten metadata on every event this command appends.
        var caller = Callers.Of(context);
        session.LastModifiedBy = caller;
        if (context.Envelope is { } envelope)
        {
            session.CausationId = envelope.Id.ToString();
            session.CorrelationId = envelope.CorrelationId ?? envelope.Id.ToString();
        }

        // A retry under the same idempotency key gets the first outcome and writes nothing.
        var key = Callers.IdempotencyKeyOf(context);
        var receiptId = key is null ? null : CommandReceipt.IdFor(caller, key);
        var command = context.Envelope?.Message;
        // (Only a command sent with a key is fingerprinted: the digest serializes and hashes the whole command.)
        var fingerprint = receiptId is null || command is null ? "" : CommandReceipt.FingerprintOf(command);
        if (receiptId is not null && await session.LoadAsync<CommandReceipt>(receiptId, cancellation).ConfigureAwait(false) is { } receipt)
        {
            return receipt.Fingerprint == fingerprint
                ? receipt.Outcome with { Replayed = true }
                : CommandOutcome.Refused(streamId, Rejection.Reused($"idempotency key '{key}' was already used for a different command"));
        }

        if (streamId == Guid.Empty)
        {
            // Marten will not take the empty id as a stream id (it throws, a 500). No stream has it, so the domain
            // decides on no state and refuses: the empty id for a new stream, an unknown one for an existing stream.
            var refusal = decide(null, default, 0, clock.GetCurrentInstant()).Rejection
                ?? Rejection.Invalid([new FieldProblem("id", "must not be the empty id")]);
            return CommandOutcome.Refused(streamId, refusal);
        }

        // If-Match: the sender decided on a version of the record; a change since then is a conflict, not a silent
        // overwrite. The expected version also goes to Marten, so a change between this check and the append fails too.
        var expected = Callers.ExpectedVersionOf(context);
        var (stream, input) = await FetchAsync<T, TRead>(session, streamId, expected, read, cancellation).ConfigureAwait(false);
        if (stream.Aggregate is null && stream.StartingVersion is > 0 && IsSnapshotted<T>())
        {
            // A stream with events but no snapshot: a store kept from before the decision snapshots (ADR 0017), or a
            // snapshot lost. Fold it once from its events, then decide on it as usual. For a stream of another kind
            // the fold finds none of this kind's events and the snapshot stays absent (refused below).
            if (await session.Events.AggregateStreamAsync<T>(streamId, token: cancellation).ConfigureAwait(false) is { } folded)
            {
                // Committed by itself: it is what the events already say, whatever this command decides.
                await using var restore = session.DocumentStore.LightweightSession();
                restore.Store(folded);
                await restore.SaveChangesAsync(cancellation).ConfigureAwait(false);
                (stream, input) = await FetchAsync<T, TRead>(session, streamId, expected, read, cancellation).ConfigureAwait(false);
            }
        }

        if (expected is { } wanted && stream.Aggregate is not null && (stream.StartingVersion ?? 0) != wanted)
        {
            return CommandOutcome.Refused(streamId, Rejection.Conflict(
                $"the record is at version {stream.StartingVersion ?? 0}, not {wanted} as the request expected (If-Match); read it again and retry"));
        }

        if (stream.Aggregate is null && stream.StartingVersion is > 0)
        {
            // The id is taken by a stream of another kind (a mission's id sent as a new base's, say): deciding on no
            // state would append this kind's events to that stream. A command on an existing record is refused as
            // for any unknown id; one that would start a record finds its id taken.
            var refusal = decide(null, input, 0, clock.GetCurrentInstant()).Rejection
                ?? Rejection.Conflict($"the id {streamId} is already taken by another kind of record");
            return CommandOutcome.Refused(streamId, refusal);
        }

        var decision = decide(stream.Aggregate, input, stream.StartingVersion ?? 0, clock.GetCurrentInstant());
        var outcome = stream.Record(decision);
        if (receiptId is not null && outcome.Accepted)
        {
            // Insert, not store: two deliveries racing with one key cannot both commit.
            session.Insert(new CommandReceipt(receiptId, command?.GetType().Name ?? "", fingerprint, outcome, clock.GetCurrentInstant()));
        }

        return outcome;
    }

    /// <summary>The stream's state for writing, and whatever else <paramref name="read"/> asks for, in one round trip.</summary>
    private static async Task<(IEventStream<T> Stream, TRead? Read)> FetchAsync<T, TRead>(
        IDocumentSession session, Guid streamId, long? expected, Func<IBatchedQuery, Task<TRead>>? read, CancellationToken cancellation)
        where T : class
    {
        if (read is null)
        {
            return (await (expected is { } version
                ? session.Events.FetchForWriting<T>(streamId, version, cancellation)
                : session.Events.FetchForWriting<T>(streamId, cancellation)).ConfigureAwait(false), default);
        }

        var batch = session.CreateBatchQuery();
        var stream = expected is { } wanted ? batch.Events.FetchForWriting<T>(streamId, wanted) : batch.Events.FetchForWriting<T>(streamId);
        var more = read(batch);
        await batch.Execute(cancellation).ConfigureAwait(false);
        return (await stream.ConfigureAwait(false), await more.ConfigureAwait(false));
    }

    /// <summary>Whether <typeparamref name="T"/> is kept as an inline snapshot document rather than folded live.</summary>
    private static bool IsSnapshotted<T>() where T : class => PostureStore.DecisionSnapshots.Contains(typeof(T));

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
