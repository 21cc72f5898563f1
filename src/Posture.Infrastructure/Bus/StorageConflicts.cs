using JasperFx;
using JasperFx.Events;

namespace Posture.Infrastructure.Bus;

/// <summary>The exceptions that mean "another writer changed the same stream first": retried, and never a 500.</summary>
public static class StorageConflicts
{
    public static bool IsLostRace(Exception exception) => Unwrap(exception) is
        ConcurrencyException or EventStreamUnexpectedMaxEventIdException or StreamLockedException or DcbConcurrencyException
        or global::Marten.Exceptions.ExistingStreamIdCollisionException or global::Marten.Exceptions.StreamLockedException;

    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : exception;
}
