using Posture.Domain.Bases;
using Posture.Domain.Common;

namespace Posture.Domain.Specs.Bases;

/// <summary>A wrong report is answered by a new event, never by editing the old one.</summary>
public sealed class when_correcting_or_retracting_an_incident : BaseSpecs
{
    /// <summary>Erbil's wounded were first reported as six, then nine: the same shape here, one injured becomes three.</summary>
    private static readonly IncidentChanges Revised = new(Injured: 3);

    [Fact]
    public void a_correction_records_the_whole_corrected_report_and_why() =>
        ThenEvents(
            BaseDecider.Decide(new CorrectIncident(Balad, SeedIncident, Revised, " AP revised the wounded "), Given(BaladRegistered, SeedAttack), Now),
            new IncidentCorrected(Balad, SeedIncident, SeedReport(injured: 3), "AP revised the wounded"));

    [Fact]
    public void fields_a_correction_leaves_out_keep_what_the_report_said()
    {
        var corrected = BaseDecider.Decide(new CorrectIncident(Balad, SeedIncident, new IncidentChanges(Rounds: 3, Source: "Reuters"), "Reuters counted three"),
            Given(BaladRegistered, SeedAttack), Now).Events.OfType<IncidentCorrected>().Single().Corrected;
        corrected.ShouldBe(SeedReport(rounds: 3, source: "Reuters"));
    }

    [Fact]
    public void a_correction_that_claims_the_attack_names_the_group()
    {
        var changes = new IncidentChanges(Attribution: Attribution.Claimed);
        ThenInvalid(BaseDecider.Decide(new CorrectIncident(Balad, SeedIncident, changes, "claimed"), Given(BaladRegistered, SeedAttack), Now), "attributedTo");
        var claimed = BaseDecider.Decide(new CorrectIncident(Balad, SeedIncident, changes with { AttributedTo = "Awliya al-Dam" }, "claimed"),
            Given(BaladRegistered, SeedAttack), Now).Events.OfType<IncidentCorrected>().Single().Corrected;
        claimed.Attribution.ShouldBe(Attribution.Claimed);
        claimed.AttributedTo.ShouldBe("Awliya al-Dam");
    }

    [Fact]
    public void a_correction_naming_no_field_is_refused() =>
        ThenInvalid(BaseDecider.Decide(new CorrectIncident(Balad, SeedIncident, new IncidentChanges(), "nothing"), Given(BaladRegistered, SeedAttack), Now),
            "changes");

    [Fact]
    public void the_state_then_holds_the_corrected_report()
    {
        var state = Given(BaladRegistered, SeedAttack, new IncidentCorrected(Balad, SeedIncident, SeedReport(injured: 3), "revised")).ShouldNotBeNull();
        state.Incidents[SeedIncident].Report.Injured.ShouldBe(3);
    }

    [Fact]
    public void a_correction_that_changes_nothing_is_a_conflict() =>
        ThenRefused(BaseDecider.Decide(new CorrectIncident(Balad, SeedIncident, new IncidentChanges(Rounds: 4), "same"), Given(BaladRegistered, SeedAttack), Now),
            RejectionKind.Conflict).Reason.ShouldContain("changes nothing");

    [Fact]
    public void correcting_an_unknown_incident_is_not_found() =>
        ThenRefused(BaseDecider.Decide(new CorrectIncident(Balad, Guid.NewGuid(), Revised, "x"), Given(BaladRegistered), Now), RejectionKind.NotFound)
            .Reason.ShouldContain("no incident");

    [Fact]
    public void correcting_at_an_unknown_base_is_not_found() =>
        ThenRefused(BaseDecider.Decide(new CorrectIncident(Balad, SeedIncident, Revised, "x"), Given(), Now), RejectionKind.NotFound)
            .Reason.ShouldContain("no base");

    [Fact]
    public void a_correction_needs_a_reason() =>
        ThenInvalid(BaseDecider.Decide(new CorrectIncident(Balad, SeedIncident, Revised, ""), Given(BaladRegistered, SeedAttack), Now), "reason");

    [Fact]
    public void a_correction_to_impossible_values_is_refused() =>
        ThenInvalid(BaseDecider.Decide(new CorrectIncident(Balad, SeedIncident, new IncidentChanges(Rounds: -1, OccurredAt: Now + NodaTime.Duration.FromHours(1)), "x"),
            Given(BaladRegistered, SeedAttack), Now), "rounds", "occurredAt");

    [Fact]
    public void a_retraction_records_why() =>
        ThenEvents(
            BaseDecider.Decide(new RetractIncident(Balad, SeedIncident, "It was Reuters' count of another attack"), Given(BaladRegistered, SeedAttack), Now),
            new IncidentRetracted(Balad, SeedIncident, "It was Reuters' count of another attack"));

    [Fact]
    public void retracting_twice_is_a_conflict() =>
        ThenRefused(
            BaseDecider.Decide(new RetractIncident(Balad, SeedIncident, "again"),
                Given(BaladRegistered, SeedAttack, new IncidentRetracted(Balad, SeedIncident, "wrong")), Now),
            RejectionKind.Conflict).Reason.ShouldContain("already retracted");

    [Fact]
    public void a_retracted_incident_cannot_be_corrected() =>
        ThenRefused(
            BaseDecider.Decide(new CorrectIncident(Balad, SeedIncident, Revised, "late news"),
                Given(BaladRegistered, SeedAttack, new IncidentRetracted(Balad, SeedIncident, "wrong")), Now),
            RejectionKind.Conflict).Reason.ShouldContain("retracted");

    [Fact]
    public void retracting_an_unknown_incident_is_not_found() =>
        ThenRefused(BaseDecider.Decide(new RetractIncident(Balad, Guid.NewGuid(), "x"), Given(BaladRegistered), Now), RejectionKind.NotFound);

    [Fact]
    public void a_retraction_needs_a_reason() =>
        ThenInvalid(BaseDecider.Decide(new RetractIncident(Balad, SeedIncident, " "), Given(BaladRegistered, SeedAttack), Now), "reason");
}
