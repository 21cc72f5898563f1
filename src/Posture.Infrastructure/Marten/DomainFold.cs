using System.Collections.Concurrent;
using JasperFx;
using JasperFx.Events;
using Marten.Events.Aggregation;
using Marten;
using Marten.Events.Projections;
using Marten.Services.BatchQuerying;

namespace Posture.Infrastructure.Marten;

/// <summary>
/// What a Posture projection is apart from Marten: the document it keeps, which rows an event goes to, and the pure
/// fold. <see cref="DomainFold{TDocument}"/> and <see cref="DomainMultiFold{TDocument}"/> describe themselves by it, so
/// Posture's own rebuild (<see cref="Audit.ProjectionRebuild"/>) folds every registered projection, and a projection
/// registered later, exactly as Marten routes it inline, without a list of document types of its own.
/// </summary>
public interface IDomainFold
{
    Type DocumentType { get; }

    /// <summary>
    /// True when each row is one stream's document (its id is the stream's id, and Marten stores the stream's version
    /// as its revision); false when rows are routed across streams (Marten stores the last event's sequence).
    /// </summary>
    bool KeyedByStream { get; }

    /// <summary>Whether the fold takes events of this type at all (a rebuild reads only the types some fold takes).</summary>
    bool Takes(Type eventType);

    /// <summary>Adds to <paramref name="rows"/> the id of every row the event goes to (none when the fold does not take it).</summary>
    void RowsOf(Guid streamId, object data, ICollection<Guid> rows);

    /// <summary>The row after the event; null deletes it (or leaves it absent).</summary>
    object? Fold(object? document, object data);
}

/// <summary>
/// A fold that needs, besides its own row, one row of another projection as it stood before the event: the running
/// threat sums fold a correction with the report it replaces, which the incident's log row holds. A rebuild folds each
/// event into such a fold before the others, and fetches back a parked row it reads as it fetches its own.
/// </summary>
public interface IDomainFoldReading : IDomainFold
{
    /// <summary>The document type of the rows it reads (a projection the same store keeps).</summary>
    Type ReadsDocumentType { get; }

    /// <summary>The id of the row the event needs read; null when it needs none.</summary>
    Guid? ReadsRowOf(object data);

    /// <summary>The row after the event, given the row read as it stood before the event (null when there is none).</summary>
    object? Fold(object? document, object data, object? read);
}

/// <summary>
/// A Marten projection of one stream that only delegates to a pure fold in the domain. Marten 9 has no runtime
/// reflection for aggregates and its source generator would have to run in the domain project, so every
/// single-stream state and read model is registered through this one class.
/// </summary>
public sealed class DomainFold<TDocument> : SingleStreamProjection<TDocument, Guid>, IDomainFold where TDocument : class
{
    private readonly Func<TDocument?, object, TDocument?> _evolve;
    private readonly EventTypes _taking = new();

    public DomainFold(Func<TDocument?, object, TDocument?> evolve)
    {
        _evolve = evolve;
        Name = typeof(TDocument).Name;
    }

    /// <summary>
    /// Only streams holding events of these types are folded. Kept inline, a fold with no such list would be asked
    /// about every stream a transaction touches, and would load a document for each to find nothing to do.
    /// </summary>
    public DomainFold<TDocument> Taking(IEnumerable<Type> eventTypes)
    {
        ArgumentNullException.ThrowIfNull(eventTypes);
        foreach (var type in eventTypes)
        {
            IncludeType(type);
            _taking.Add(type);
        }

        return this;
    }

    public override TDocument? Evolve(TDocument? snapshot, Guid id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return _evolve(snapshot, e.Data);
    }

    Type IDomainFold.DocumentType => typeof(TDocument);

    bool IDomainFold.KeyedByStream => true;

    bool IDomainFold.Takes(Type eventType) => _taking.IsEmpty || _taking.Match(eventType);

    void IDomainFold.RowsOf(Guid streamId, object data, ICollection<Guid> rows)
    {
        if (_taking.IsEmpty || _taking.Match(data.GetType()))
        {
            rows.Add(streamId);
        }
    }

    object? IDomainFold.Fold(object? document, object data) => _evolve((TDocument?)document, data);
}

/// <summary>
/// The same for a read model whose rows are keyed by something other than the stream (an incident, a site fed by
/// several streams): the constructor's caller says which events go to which row with <see cref="Route{TEvent}"/>.
/// Returning null from the fold deletes the row. Kept inline by <see cref="InlineFolds"/>, which reads the rows of
/// every such read model a transaction changes in one round trip, rather than as a Marten multi-stream projection
/// (which loads each read model's rows in a round trip, on a connection, of its own), and locks them until the commit
/// (<see cref="LockedRows"/>): as a Marten projection, two streams' commits each folded the row as it was before
/// either, and the last one won.
/// </summary>
public sealed class DomainMultiFold<TDocument> : IDomainFold, IInlineFold where TDocument : class
{
    private readonly Func<TDocument?, object, TDocument?> _evolve;
    private readonly Func<TDocument, Guid> _id;
    private readonly List<(EventTypes Types, Func<object, Guid> RowId)> _routes = [];
    private Func<TDocument, object, bool> _heldByAnother = (_, _) => false;

    /// <param name="evolve">The domain's fold.</param>
    /// <param name="id">A row's id (what the routes name).</param>
    public DomainMultiFold(Func<TDocument?, object, TDocument?> evolve, Func<TDocument, Guid> id)
    {
        _evolve = evolve;
        _id = id;
    }

    /// <summary>Sends every event of type <typeparamref name="TEvent"/> to the row <paramref name="rowId"/> names.</summary>
    public DomainMultiFold<TDocument> Route<TEvent>(Func<TEvent, Guid> rowId) where TEvent : notnull
    {
        var types = new EventTypes();
        types.Add(typeof(TEvent));
        _routes.Add((types, e => rowId((TEvent)e)));
        return this;
    }

    /// <summary>
    /// Names the stored rows a command's event may not land on because another stream holds them (an incident id
    /// another base recorded). The command's decision found the row absent or its own, so meeting it held by another
    /// here means another commit got there in between: the command lost a race and is retried whole
    /// (<c>StorageConflicts</c>), and its retry is decided on the row as it now is. Every append through the store's
    /// inline projections is checked (the commands'; the import writes its rows itself and checks in its snapshot); a
    /// rebuild folds what history holds.
    /// </summary>
    public DomainMultiFold<TDocument> HeldByAnother(Func<TDocument, object, bool> heldByAnother)
    {
        _heldByAnother = heldByAnother;
        return this;
    }

    Type IDomainFold.DocumentType => typeof(TDocument);

    bool IDomainFold.KeyedByStream => false;

    bool IDomainFold.Takes(Type eventType) => _routes.Exists(r => r.Types.Match(eventType));

    void IDomainFold.RowsOf(Guid streamId, object data, ICollection<Guid> rows) => RowsOf(data, rows);

    object? IDomainFold.Fold(object? document, object data) => _evolve((TDocument?)document, data);

    Func<IDocumentOperations, Task>? IInlineFold.Prepare(IBatchedQuery batch, IReadOnlyList<IEvent> events)
    {
        var routed = new List<(Guid Row, object Data)>();
        var rows = new List<Guid>(1);
        foreach (var e in events)
        {
            rows.Clear();
            RowsOf(e.Data, rows);
            routed.AddRange(rows.Select(row => (row, e.Data)));
        }

        if (routed.Count == 0)
        {
            return null;
        }

        // Locked until the commit: a row several streams change (a site) is folded by one writer after another.
        var stored = LockedRows.Read<TDocument>(batch, [.. routed.Select(r => r.Row).Distinct()]);
        return async operations =>
        {
            var before = (await stored.ConfigureAwait(false)).ToDictionary(_id);
            var after = new Dictionary<Guid, TDocument?>(before.Count);
            foreach (var (row, data) in routed)
            {
                if (!after.ContainsKey(row) && before.GetValueOrDefault(row) is { } held && _heldByAnother(held, data))
                {
                    throw new ConcurrencyException($"{typeof(TDocument).Name} {row} was written by another stream after this command read it", null);
                }

                after[row] = _evolve(after.TryGetValue(row, out var folded) ? folded : before.GetValueOrDefault(row), data);
            }

            foreach (var (row, document) in after)
            {
                var was = before.GetValueOrDefault(row);
                if (ReferenceEquals(document, was))
                {
                    // (A fold that leaves a row as it was writes nothing.)
                    continue;
                }

                if (document is null)
                {
                    operations.Delete<TDocument>(row);
                }
                else if (was is null)
                {
                    // Absent when read, so not locked: inserted, so that of two first writes the second fails and is
                    // retried on the row the first wrote (StorageConflicts), rather than overwriting it.
                    operations.Insert(document);
                }
                else
                {
                    operations.Store(document);
                }
            }
        };
    }

    private void RowsOf(object data, ICollection<Guid> rows)
    {
        foreach (var (types, rowId) in _routes)
        {
            if (types.Match(data.GetType()) && rowId(data) is var row && !rows.Contains(row))
            {
                rows.Add(row);
            }
        }
    }
}

/// <summary>
/// The event types a fold takes (an interface or base class takes every type that implements it), answered per
/// concrete type once: a rebuild asks for every event.
/// </summary>
internal sealed class EventTypes
{
    private readonly List<Type> _taken = [];
    private readonly ConcurrentDictionary<Type, bool> _answers = new();

    public bool IsEmpty => _taken.Count == 0;

    public void Add(Type type) => _taken.Add(type);

    public bool Match(Type concrete)
    {
        return _answers.GetOrAdd(concrete, (type, taken) => taken.Exists(t => t.IsAssignableFrom(type)), _taken);
    }
}
