using Marten.Events;
using Posture.Domain.Bases;
using Posture.Domain.Contractors;
using Posture.Domain.Missions;
using Posture.Domain.Threats;

namespace Posture.Infrastructure.Marten;

/// <summary>
/// Every event type and the name it is stored under. Stored names are a contract with history already written:
/// never change one without an upcaster and a note in docs/events.md (a convention test holds this list).
/// </summary>
public static class EventCatalogue
{
    public static IReadOnlyDictionary<Type, string> StoredNames { get; } = new Dictionary<Type, string>
    {
        [typeof(BaseRegistered)] = "base_registered",
        [typeof(RocketAttackOccurred)] = "rocket_attack_occurred",
        [typeof(DroneAttackOccurred)] = "drone_attack_occurred",
        [typeof(IndirectFireOccurred)] = "indirect_fire_occurred",
        [typeof(IedDetonated)] = "ied_detonated",
        [typeof(SmallArmsFireOccurred)] = "small_arms_fire_occurred",
        [typeof(IncidentCorrected)] = "incident_corrected",
        [typeof(IncidentRetracted)] = "incident_retracted",
        [typeof(ThreatAssessed)] = "threat_assessed",
        [typeof(ForceProtectionConditionSet)] = "force_protection_condition_set",
        [typeof(ThreatLevelChanged)] = "threat_level_changed",
        [typeof(ContractorEngaged)] = "contractor_engaged",
        [typeof(ContractorsDeployed)] = "contractors_deployed",
        [typeof(ContractorsEvacuated)] = "contractors_evacuated",
        [typeof(ContractorsReturned)] = "contractors_returned",
        [typeof(ContractorCasualtiesReported)] = "contractor_casualties_reported",
        [typeof(MissionLaunched)] = "mission_launched",
        [typeof(MissionExpanded)] = "mission_expanded",
        [typeof(MissionReduced)] = "mission_reduced",
        [typeof(MissionPersonnelAssigned)] = "mission_personnel_assigned",
        [typeof(MissionPersonnelWithdrawn)] = "mission_personnel_withdrawn",
    };

    public static void Register(IEventStoreOptions events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var (type, name) in StoredNames)
        {
            events.MapEventType(type, name);
        }
    }
}
