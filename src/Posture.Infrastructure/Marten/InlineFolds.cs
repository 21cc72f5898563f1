using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Marten.Services.BatchQuerying;

namespace Posture.Infrastructure.Marten;

/// <summary>One read model kept by <see cref="InlineFolds"/>.</summary>
public interface IInlineFold
{
    /// <summary>
    /// Adds to <paramref name="batch"/> what folding <paramref name="events"/> needs read (the rows they change), and
    /// answers what writes the folded rows once the batch has run; null when none of the events concern this read model.
    /// </summary>
    Func<IDocumentOperations, Task>? Prepare(IBatchedQuery batch, IReadOnlyList<IEvent> events);
}

/// <summary>
/// The read models a command's events change, kept in the command's transaction: every row they need is read in one
/// batched round trip, locked until the commit, then each is folded and written with the command's events. (Registered with Marten as one
/// inline projection: as separate projections each read its rows in a round trip of its own, the multi-stream ones on
/// a connection of their own, which made up a third of a command's time; docs/adr/0023.)
/// </summary>
public sealed class InlineFolds(IReadOnlyList<IInlineFold> folds) : IProjection
{
    /// <summary>The read models, in the order they are registered.</summary>
    public IReadOnlyList<IInlineFold> Folds { get; } = folds ?? throw new ArgumentNullException(nameof(folds));

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(events);
        var batch = operations.CreateBatchQuery();
        var writes = Folds.Select(f => f.Prepare(batch, events)).OfType<Func<IDocumentOperations, Task>>().ToList();
        if (writes.Count == 0)
        {
            return;
        }

        // The rows are read locked (LockedRows), so the read runs in the transaction the events commit in. Marten
        // applies inline projections before it begins that transaction; beginning it here costs no round trip (the
        // BEGIN goes with the read), and the commit then runs on the same connection.
        if (operations is IDocumentSession session)
        {
            await session.BeginTransactionAsync(cancellation).ConfigureAwait(false);
        }

        await batch.Execute(cancellation).ConfigureAwait(false);
        foreach (var write in writes)
        {
            await write(operations).ConfigureAwait(false);
        }
    }
}
