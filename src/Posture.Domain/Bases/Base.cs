using NodaTime;
using Posture.Domain.Threats;

namespace Posture.Domain.Bases;

/// <summary>
/// What decisions about a base need to know of the base itself, and nothing more: that it exists, its name and its
/// FPCON. It keeps nothing per incident, so it stays the same few bytes however long the base's history grows: a
/// command about an incident is given that incident's <see cref="IncidentRecord"/> by its handler, read from the
/// base's events. Read models are separate types (see Sites/).
/// </summary>
public sealed record Base(
    Guid Id,
    string Name,
    Instant RegisteredAt,
    ForceProtectionCondition Fpcon)
{
    /// <summary>Folds one event into the state; incidents, assessments and unknown events leave it unchanged.</summary>
    public static Base? Evolve(Base? state, object @event) => (state, @event) switch
    {
        (null, BaseRegistered e) => new Base(e.BaseId, e.Name, e.RegisteredAt, ForceProtectionCondition.Normal),
        (not null, ForceProtectionConditionSet e) => state with { Fpcon = e.Condition },
        _ => state,
    };
}
