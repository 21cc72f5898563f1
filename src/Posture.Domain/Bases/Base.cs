using NodaTime;
using Posture.Domain.Threats;

namespace Posture.Domain.Bases;

/// <summary>
/// What decisions know of one incident: its kind and whether it was retracted. Not its report: a correction is given
/// the current report by its handler (<see cref="BaseDecider.Decide(CorrectIncident, Base?, IncidentReport?, Instant)"/>),
/// so the state stays a few bytes per incident however long the base's history grows.
/// </summary>
public sealed record IncidentStatus(IncidentKind Kind, bool Retracted);

/// <summary>
/// What decisions about a base need to know, and nothing more: that it exists, its name, its incidents (so the
/// same report is not recorded twice and only known incidents are corrected) and its FPCON. Read models are
/// separate types (see Sites/).
/// </summary>
public sealed record Base(
    Guid Id,
    string Name,
    Instant RegisteredAt,
    IReadOnlyDictionary<Guid, IncidentStatus> Incidents,
    ForceProtectionCondition Fpcon)
{
    /// <summary>Folds one event into the state; unknown events, and corrections (which change only a report), leave it unchanged.</summary>
    public static Base? Evolve(Base? state, object @event) => (state, @event) switch
    {
        (null, BaseRegistered e) => new Base(e.BaseId, e.Name, e.RegisteredAt, new Dictionary<Guid, IncidentStatus>(), ForceProtectionCondition.Normal),
        (not null, IIncidentOccurred e) => state.WithIncident(e.IncidentId, new IncidentStatus(e.Kind, false)),
        (not null, IncidentRetracted e) when state.Incidents.TryGetValue(e.IncidentId, out var known) =>
            state.WithIncident(e.IncidentId, known with { Retracted = true }),
        (not null, ForceProtectionConditionSet e) => state with { Fpcon = e.Condition },
        _ => state,
    };

    private Base WithIncident(Guid incidentId, IncidentStatus status) =>
        this with { Incidents = new Dictionary<Guid, IncidentStatus>(Incidents) { [incidentId] = status } };
}
