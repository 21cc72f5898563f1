using JasperFx;
using JasperFx.Events;
using Npgsql;
using Posture.Infrastructure.Storage;

namespace Posture.Infrastructure.Bus;

/// <summary>The exceptions that mean "another writer changed the same stream first": retried, and never a 500.</summary>
public static class StorageConflicts
{
    /// <summary>
    /// The pauses before each retry of a command that lost a race (5 ms, doubling, eight times): the bus's policy
    /// (PostureServices), and the import's, which writes without the bus.
    /// </summary>
    public static IReadOnlyList<TimeSpan> RetryCooldowns { get; } = [.. Enumerable.Range(0, 8).Select(attempt => TimeSpan.FromMilliseconds(5 << attempt))];

    public static bool IsLostRace(Exception exception) => Unwrap(exception) is
        ConcurrencyException or EventStreamUnexpectedMaxEventIdException or StreamLockedException or DcbConcurrencyException
        or global::Marten.Exceptions.ExistingStreamIdCollisionException or global::Marten.Exceptions.StreamLockedException
        // A read-model row another commit wrote first after this one found it absent (LockedRows).
        or DocumentAlreadyExistsException
        || IsRolledBack(exception);

    /// <summary>
    /// SQLSTATE 40001 or 40P01, however Marten wrapped it: PostgreSQL rolled the transaction back because another
    /// changed what it read (a row locked under REPEATABLE READ, as the import does) or to break a cycle of waits, and
    /// it is retried on fresh state as any lost race is. Read-model rows are locked in one order (LockedRows), so no
    /// cycle is expected of them; this is the net under what else a transaction waits on.
    /// </summary>
    private static bool IsRolledBack(Exception exception) => DatabaseOutages.Causes(exception).Any(e =>
        e is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected });

    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : exception;
}
