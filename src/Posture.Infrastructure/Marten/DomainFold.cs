using JasperFx.Events;
using Marten.Events.Aggregation;

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

    public override TDocument? Evolve(TDocument? snapshot, Guid id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return _evolve(snapshot, e.Data);
    }
}
