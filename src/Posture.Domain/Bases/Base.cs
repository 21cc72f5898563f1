using NodaTime;
using Posture.Domain.Threats;

namespace Posture.Domain.Bases;

/// <summary>What decisions know of one incident: its kind, what it is now said to be, whether it was retracted.</summary>
public sealed record IncidentStatus(IncidentKind Kind, IncidentReport Report, bool Retracted);

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
    /// <summary>Folds one event into the state; unknown events leave it unchanged.</summary>
    public static Base? Evolve(Base? state, object @event) => (state, @event) switch
    {
        (null, BaseRegistered e) => new Base(e.BaseId, e.Name, e.RegisteredAt, new Dictionary<Guid, IncidentStatus>(), ForceProtectionCondition.Normal),
        (not null, IIncidentOccurred e) => state.WithIncident(e.IncidentId, new IncidentStatus(e.Kind, e.Report, false)),
        (not null, IncidentCorrected e) when state.Incidents.TryGetValue(e.IncidentId, out var known) =>
            state.WithIncident(e.IncidentId, known with { Report = e.Corrected }),
        (not null, IncidentRetracted e) when state.Incidents.TryGetValue(e.IncidentId, out var known) =>
            state.WithIncident(e.IncidentId, known with { Retracted = true }),
        (not null, ForceProtectionConditionSet e) => state with { Fpcon = e.Condition },
        _ => state,
    };

    private Base WithIncident(Guid incidentId, IncidentStatus status) =>
        this with { Incidents = new Dictionary<Guid, IncidentStatus>(Incidents) { [incidentId] = status } };
}
