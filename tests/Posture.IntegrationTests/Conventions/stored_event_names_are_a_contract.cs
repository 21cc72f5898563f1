using Posture.Domain.Bases;
using Posture.Domain.Common;
using Posture.Infrastructure.Marten;

namespace Posture.IntegrationTests.Conventions;

/// <summary>
/// Stored names are history's contract. This list changes only with an upcaster and a note in docs/events.md.
/// </summary>
public sealed class stored_event_names_are_a_contract
{
    [Fact]
    public void every_event_keeps_the_name_it_was_first_stored_under() =>
        EventCatalogue.StoredNames.OrderBy(p => p.Value).Select(p => $"{p.Key.Name} = {p.Value}").ShouldBe(
        [
            "BaseRegistered = base_registered",
            "ContractorCasualtiesReported = contractor_casualties_reported",
            "ContractorEngaged = contractor_engaged",
            "ContractorsDeployed = contractors_deployed",
            "ContractorsEvacuated = contractors_evacuated",
            "ContractorsReturned = contractors_returned",
            "DroneAttackOccurred = drone_attack_occurred",
            "ForceProtectionConditionSet = force_protection_condition_set",
            "IedDetonated = ied_detonated",
            "IncidentCorrected = incident_corrected",
            "IncidentRetracted = incident_retracted",
            "IndirectFireOccurred = indirect_fire_occurred",
            "MissionExpanded = mission_expanded",
            "MissionLaunched = mission_launched",
            "MissionPersonnelAssigned = mission_personnel_assigned",
            "MissionPersonnelWithdrawn = mission_personnel_withdrawn",
            "MissionReduced = mission_reduced",
            "RocketAttackOccurred = rocket_attack_occurred",
            "SmallArmsFireOccurred = small_arms_fire_occurred",
            "ThreatAssessed = threat_assessed",
            "ThreatLevelChanged = threat_level_changed",
        ]);

    [Fact]
    public void every_domain_event_has_a_pinned_name()
    {
        var events = typeof(BaseRegistered).Assembly.GetExportedTypes().Where(t => t.IsAssignableTo(typeof(IDomainEvent)) && !t.IsInterface).ToList();
        events.ShouldNotBeEmpty();
        events.ShouldAllBe(t => EventCatalogue.StoredNames.ContainsKey(t));
        EventCatalogue.StoredNames.Keys.ShouldAllBe(t => events.Contains(t));
    }

    [Fact]
    public void stored_names_are_unique_snake_case()
    {
        EventCatalogue.StoredNames.Values.ShouldAllBe(name => name.All(c => char.IsAsciiLetterLower(c) || c == '_'));
        EventCatalogue.StoredNames.Values.ShouldBeUnique();
    }
}
