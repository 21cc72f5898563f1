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
            Decide(new CorrectIncident(Balad, SeedIncident, Revised, " AP revised the wounded "), BaladRegistered, SeedAttack),
            new IncidentCorrected(Balad, SeedIncident, SeedReport(injured: 3), "AP revised the wounded"));

    [Fact]
    public void fields_a_correction_leaves_out_keep_what_the_report_said()
    {
        var corrected = Decide(new CorrectIncident(Balad, SeedIncident, new IncidentChanges(Rounds: 3, Source: "Reuters"), "Reuters counted three"), BaladRegistered, SeedAttack)
            .Events.OfType<IncidentCorrected>().Single().Corrected;
        corrected.ShouldBe(SeedReport(rounds: 3, source: "Reuters"));
    }

    [Fact]
    public void a_correction_that_claims_the_attack_names_the_group()
    {
        var changes = new IncidentChanges(Attribution: Attribution.Claimed);
        ThenInvalid(Decide(new CorrectIncident(Balad, SeedIncident, changes, "claimed"), BaladRegistered, SeedAttack), "attributedTo");
        var claimed = Decide(new CorrectIncident(Balad, SeedIncident, changes with { AttributedTo = "Awliya al-Dam" }, "claimed"), BaladRegistered, SeedAttack)
            .Events.OfType<IncidentCorrected>().Single().Corrected;
        claimed.Attribution.ShouldBe(Attribution.Claimed);
        claimed.AttributedTo.ShouldBe("Awliya al-Dam");
    }

    [Fact]
    public void a_correction_naming_no_field_is_refused() =>
        ThenInvalid(Decide(new CorrectIncident(Balad, SeedIncident, new IncidentChanges(), "nothing"), BaladRegistered, SeedAttack),
            "changes");

    [Fact]
    public void a_correction_applies_to_the_current_report_it_is_given()
    {
        var afterFirst = SeedReport(injured: 3);
        var corrected = Decide(new CorrectIncident(Balad, SeedIncident, new IncidentChanges(Rounds: 5), "five rockets"),
                BaladRegistered, SeedAttack, new IncidentCorrected(Balad, SeedIncident, afterFirst, "revised"))
            .Events.OfType<IncidentCorrected>().Single().Corrected;
        corrected.ShouldBe(SeedReport(rounds: 5, injured: 3));
    }

    [Fact]
    public void a_correction_back_to_the_current_report_changes_nothing() =>
        ThenConflict(Decide(new CorrectIncident(Balad, SeedIncident, Revised, "again"),
                BaladRegistered, SeedAttack, new IncidentCorrected(Balad, SeedIncident, SeedReport(injured: 3), "revised")),
            "changes nothing");

    [Fact]
    public void the_state_keeps_nothing_of_an_incident_so_corrections_and_retractions_leave_it_as_it_was()
    {
        var before = Given(BaladRegistered, SeedAttack).ShouldNotBeNull();
        var after = new object[] { new IncidentCorrected(Balad, SeedIncident, SeedReport(injured: 3), "revised"), new IncidentRetracted(Balad, SeedIncident, "wrong") }
            .Aggregate((Base?)before, Base.Evolve);
        after.ShouldBeSameAs(before);
        before.ShouldBe(Given(BaladRegistered));
    }

    [Fact]
    public void a_correction_is_decided_on_the_record_it_is_given_not_on_the_state()
    {
        var given = new IncidentRecord(SeedIncident, IncidentKind.Rocket, SeedReport(), SeedReport(rounds: 7), Retracted: false);
        var corrected = BaseDecider.Decide(new CorrectIncident(Balad, SeedIncident, new IncidentChanges(Injured: 2), "two hurt"), Given(BaladRegistered), given, Now)
            .Events.OfType<IncidentCorrected>().Single().Corrected;
        corrected.ShouldBe(SeedReport(rounds: 7, injured: 2));
    }

    [Fact]
    public void the_record_of_another_incident_is_a_mistake_of_the_caller() =>
        Should.Throw<ArgumentException>(() => BaseDecider.Decide(new CorrectIncident(Balad, Guid.NewGuid(), Revised, "x"), Given(BaladRegistered, SeedAttack),
            Known(SeedIncident, BaladRegistered, SeedAttack), Now)).ParamName.ShouldBe("known");

    [Fact]
    public void a_retraction_is_decided_on_the_record_it_is_given()
    {
        var retracted = new IncidentRecord(SeedIncident, IncidentKind.Rocket, SeedReport(), SeedReport(), Retracted: true);
        ThenRefused(BaseDecider.Decide(new RetractIncident(Balad, SeedIncident, "again"), Given(BaladRegistered, SeedAttack), retracted, Now), RejectionKind.Conflict)
            .Reason.ShouldContain("already retracted");
        ThenRefused(BaseDecider.Decide(new RetractIncident(Balad, SeedIncident, "x"), Given(BaladRegistered, SeedAttack), null, Now), RejectionKind.NotFound);
    }

    [Fact]
    public void a_correction_that_changes_nothing_is_a_conflict() =>
        ThenRefused(Decide(new CorrectIncident(Balad, SeedIncident, new IncidentChanges(Rounds: 4), "same"), BaladRegistered, SeedAttack),
            RejectionKind.Conflict).Reason.ShouldContain("changes nothing");

    [Fact]
    public void correcting_an_unknown_incident_is_not_found() =>
        ThenRefused(Decide(new CorrectIncident(Balad, Guid.NewGuid(), Revised, "x"), BaladRegistered), RejectionKind.NotFound)
            .Reason.ShouldContain("no incident");

    [Fact]
    public void correcting_at_an_unknown_base_is_not_found() =>
        ThenRefused(Decide(new CorrectIncident(Balad, SeedIncident, Revised, "x")), RejectionKind.NotFound)
            .Reason.ShouldContain("no base");

    [Fact]
    public void a_correction_needs_a_reason() =>
        ThenInvalid(Decide(new CorrectIncident(Balad, SeedIncident, Revised, ""), BaladRegistered, SeedAttack), "reason");

    [Fact]
    public void a_correction_to_impossible_values_is_refused() =>
        ThenInvalid(Decide(new CorrectIncident(Balad, SeedIncident, new IncidentChanges(Rounds: -1, OccurredAt: Now + NodaTime.Duration.FromHours(1)), "x"),
            BaladRegistered, SeedAttack), "rounds", "occurredAt");

    [Fact]
    public void a_retraction_records_why() =>
        ThenEvents(
            Decide(new RetractIncident(Balad, SeedIncident, "It was Reuters' count of another attack"), BaladRegistered, SeedAttack),
            new IncidentRetracted(Balad, SeedIncident, "It was Reuters' count of another attack"));

    [Fact]
    public void retracting_twice_is_a_conflict() =>
        ThenRefused(
            Decide(new RetractIncident(Balad, SeedIncident, "again"), BaladRegistered, SeedAttack, new IncidentRetracted(Balad, SeedIncident, "wrong")),
            RejectionKind.Conflict).Reason.ShouldContain("already retracted");

    [Fact]
    public void a_retracted_incident_cannot_be_corrected() =>
        ThenRefused(
            Decide(new CorrectIncident(Balad, SeedIncident, Revised, "late news"), BaladRegistered, SeedAttack, new IncidentRetracted(Balad, SeedIncident, "wrong")),
            RejectionKind.Conflict).Reason.ShouldContain("retracted");

    [Fact]
    public void retracting_an_unknown_incident_is_not_found() =>
        ThenRefused(Decide(new RetractIncident(Balad, Guid.NewGuid(), "x"), BaladRegistered), RejectionKind.NotFound);

    [Fact]
    public void a_retraction_needs_a_reason() =>
        ThenInvalid(Decide(new RetractIncident(Balad, SeedIncident, " "), BaladRegistered, SeedAttack), "reason");
}
