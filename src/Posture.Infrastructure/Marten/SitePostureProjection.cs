using JasperFx.Events;
using Marten.Events.Aggregation;
using Posture.Domain.Sites;

namespace Posture.Infrastructure.Marten;

/// <summary>Keeps each site's <see cref="SitePosture"/> document; the fold itself is domain code.</summary>
public sealed class SitePostureProjection : SingleStreamProjection<SitePosture, Guid>
{
    public override SitePosture? Evolve(SitePosture? snapshot, Guid id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return SitePosture.Evolve(snapshot, e.Data);
    }
}
