using JasperFx.Events;
using Marten.Events.Aggregation;
using Posture.Domain.Bases;

namespace Posture.Infrastructure.Marten;

/// <summary>Builds a <see cref="Base"/>'s decision state live from its stream by calling the domain's fold.</summary>
public sealed class BaseAggregation : SingleStreamProjection<Base, Guid>
{
    public override Base? Evolve(Base? snapshot, Guid id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Base.Evolve(snapshot, e.Data);
    }
}
