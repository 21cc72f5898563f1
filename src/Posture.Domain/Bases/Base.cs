using NodaTime;

namespace Posture.Domain.Bases;

/// <summary>
/// What decisions about a base need to know, and nothing more: that it exists, its name, and which incidents it
/// already holds (so the same report is not recorded twice). Read models are separate types (see Sites/).
/// </summary>
public sealed record Base(Guid Id, string Name, Instant RegisteredAt, IReadOnlySet<Guid> IncidentIds)
{
    /// <summary>Folds one event into the state; unknown events leave it unchanged.</summary>
    public static Base? Evolve(Base? state, object @event) => (state, @event) switch
    {
        (null, BaseRegistered e) => new Base(e.BaseId, e.Name, e.RegisteredAt, new HashSet<Guid>()),
        (not null, RocketAttackOccurred e) => state with { IncidentIds = new HashSet<Guid>(state.IncidentIds) { e.IncidentId } },
        _ => state,
    };
}
