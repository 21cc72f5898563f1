using JasperFx.Events;
using Marten.Events.Aggregation;
using Marten.Events.Projections;

namespace Posture.Infrastructure.Marten;

/// <summary>
/// A Marten projection of one stream that only delegates to a pure fold in the domain. Marten 9 has no runtime
/// reflection for aggregates and its source generator would have to run in the domain project, so every
/// single-stream state and read model is registered through this one class.
/// </summary>
public sealed class DomainFold<TDocument> : SingleStreamProjection<TDocument, Guid> where TDocument : class
{
    private readonly Func<TDocument?, object, TDocument?> _evolve;

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
        }

        return this;
    }

    public override TDocument? Evolve(TDocument? snapshot, Guid id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return _evolve(snapshot, e.Data);
    }
}

/// <summary>
/// The same for a read model whose rows are keyed by something other than the stream (an incident, a site fed by
/// several streams): the constructor's caller says which events go to which row with <see cref="Route{TEvent}"/>.
/// Returning null from the fold deletes the row.
/// </summary>
public sealed class DomainMultiFold<TDocument> : MultiStreamProjection<TDocument, Guid> where TDocument : class
{
    private readonly Func<TDocument?, object, TDocument?> _evolve;

    public DomainMultiFold(Func<TDocument?, object, TDocument?> evolve)
    {
        _evolve = evolve;
        Name = typeof(TDocument).Name;
    }

    /// <summary>Sends every event of type <typeparamref name="TEvent"/> to the row <paramref name="rowId"/> names.</summary>
    public DomainMultiFold<TDocument> Route<TEvent>(Func<TEvent, Guid> rowId) where TEvent : notnull
    {
        Identity(rowId);
        return this;
    }

    public override TDocument? Evolve(TDocument? snapshot, Guid id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return _evolve(snapshot, e.Data);
    }
}
