using JasperFx;
using JasperFx.Events;

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
        or global::Marten.Exceptions.ExistingStreamIdCollisionException or global::Marten.Exceptions.StreamLockedException;

    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : exception;
}
