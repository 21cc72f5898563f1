using Posture.Domain.Bases;
using Posture.Domain.Common;

namespace Posture.Domain.Specs.Bases;

/// <summary>A wrong report is answered by a new event, never by editing the old one.</summary>
public sealed class when_correcting_or_retracting_an_incident : BaseSpecs
{
    /// <summary>Erbil's wounded were first reported as six, then nine: the same shape here, one injured becomes three.</summary>
    private static readonly IncidentChanges Revised = new(Injured: 3);

    /// <summary>A correction decided on the state the history gives and on the incident's current report (the seed's unless named).</summary>
    private static Decision Correct(CorrectIncident command, Base? state, IncidentReport? current = null) =>
        BaseDecider.Decide(command, state, current ?? SeedReport(), Now);

    [Fact]
    public void a_correction_records_the_whole_corrected_report_and_why() =>
        ThenEvents(
            Correct(new CorrectIncident(Balad, SeedIncident, Revised, " AP revised the wounded "), Given(BaladRegistered, SeedAttack)),
            new IncidentCorrected(Balad, SeedIncident, SeedReport(injured: 3), "AP revised the wounded"));

    [Fact]
    public void fields_a_correction_leaves_out_keep_what_the_report_said()
    {
        var corrected = Correct(new CorrectIncident(Balad, SeedIncident, new IncidentChanges(Rounds: 3, Source: "Reuters"), "Reuters counted three"),
            Given(BaladRegistered, SeedAttack)).Events.OfType<IncidentCorrected>().Single().Corrected;
        corrected.ShouldBe(SeedReport(rounds: 3, source: "Reuters"));
    }

    [Fact]
    public void a_correction_that_claims_the_attack_names_the_group()
    {
        var changes = new IncidentChanges(Attribution: Attribution.Claimed);
        ThenInvalid(Correct(new CorrectIncident(Balad, SeedIncident, changes, "claimed"), Given(BaladRegistered, SeedAttack)), "attributedTo");
        var claimed = Correct(new CorrectIncident(Balad, SeedIncident, changes with { AttributedTo = "Awliya al-Dam" }, "claimed"),
            Given(BaladRegistered, SeedAttack)).Events.OfType<IncidentCorrected>().Single().Corrected;
        claimed.Attribution.ShouldBe(Attribution.Claimed);
        claimed.AttributedTo.ShouldBe("Awliya al-Dam");
    }

    [Fact]
    public void a_correction_naming_no_field_is_refused() =>
        ThenInvalid(Correct(new CorrectIncident(Balad, SeedIncident, new IncidentChanges(), "nothing"), Given(BaladRegistered, SeedAttack)),
            "changes");

    [Fact]
    public void a_correction_applies_to_the_current_report_it_is_given()
    {
        var afterFirst = SeedReport(injured: 3);
        var corrected = Correct(new CorrectIncident(Balad, SeedIncident, new IncidentChanges(Rounds: 5), "five rockets"),
            Given(BaladRegistered, SeedAttack, new IncidentCorrected(Balad, SeedIncident, afterFirst, "revised")), afterFirst)
            .Events.OfType<IncidentCorrected>().Single().Corrected;
        corrected.ShouldBe(SeedReport(rounds: 5, injured: 3));
    }

    [Fact]
    public void a_correction_back_to_the_current_report_changes_nothing() =>
        ThenConflict(Correct(new CorrectIncident(Balad, SeedIncident, Revised, "again"), Given(BaladRegistered, SeedAttack), SeedReport(injured: 3)),
            "changes nothing");

    [Fact]
    public void the_state_keeps_no_report_so_a_correction_leaves_it_as_it_was()
    {
        var before = Given(BaladRegistered, SeedAttack).ShouldNotBeNull();
        var after = Base.Evolve(before, new IncidentCorrected(Balad, SeedIncident, SeedReport(injured: 3), "revised")).ShouldNotBeNull();
        after.ShouldBeSameAs(before);
        after.Incidents[SeedIncident].ShouldBe(new IncidentStatus(IncidentKind.Rocket, Retracted: false));
    }

    [Fact]
    public void a_known_incident_must_be_given_its_current_report() =>
        Should.Throw<ArgumentException>(() => BaseDecider.Decide(new CorrectIncident(Balad, SeedIncident, Revised, "x"), Given(BaladRegistered, SeedAttack), null, Now))
            .ParamName.ShouldBe("current");

    [Fact]
    public void a_refused_correction_needs_no_report() =>
        ThenRefused(BaseDecider.Decide(new CorrectIncident(Balad, Guid.NewGuid(), Revised, "x"), Given(BaladRegistered), null, Now), RejectionKind.NotFound);

    [Fact]
    public void a_correction_that_changes_nothing_is_a_conflict() =>
        ThenRefused(Correct(new CorrectIncident(Balad, SeedIncident, new IncidentChanges(Rounds: 4), "same"), Given(BaladRegistered, SeedAttack)),
            RejectionKind.Conflict).Reason.ShouldContain("changes nothing");

    [Fact]
    public void correcting_an_unknown_incident_is_not_found() =>
        ThenRefused(Correct(new CorrectIncident(Balad, Guid.NewGuid(), Revised, "x"), Given(BaladRegistered)), RejectionKind.NotFound)
            .Reason.ShouldContain("no incident");

    [Fact]
    public void correcting_at_an_unknown_base_is_not_found() =>
        ThenRefused(Correct(new CorrectIncident(Balad, SeedIncident, Revised, "x"), Given()), RejectionKind.NotFound)
            .Reason.ShouldContain("no base");

    [Fact]
    public void a_correction_needs_a_reason() =>
        ThenInvalid(Correct(new CorrectIncident(Balad, SeedIncident, Revised, ""), Given(BaladRegistered, SeedAttack)), "reason");

    [Fact]
    public void a_correction_to_impossible_values_is_refused() =>
        ThenInvalid(Correct(new CorrectIncident(Balad, SeedIncident, new IncidentChanges(Rounds: -1, OccurredAt: Now + NodaTime.Duration.FromHours(1)), "x"),
            Given(BaladRegistered, SeedAttack)), "rounds", "occurredAt");

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
            Correct(new CorrectIncident(Balad, SeedIncident, Revised, "late news"),
                Given(BaladRegistered, SeedAttack, new IncidentRetracted(Balad, SeedIncident, "wrong"))),
            RejectionKind.Conflict).Reason.ShouldContain("retracted");

    [Fact]
    public void retracting_an_unknown_incident_is_not_found() =>
        ThenRefused(BaseDecider.Decide(new RetractIncident(Balad, Guid.NewGuid(), "x"), Given(BaladRegistered), Now), RejectionKind.NotFound);

    [Fact]
    public void a_retraction_needs_a_reason() =>
        ThenInvalid(BaseDecider.Decide(new RetractIncident(Balad, SeedIncident, " "), Given(BaladRegistered, SeedAttack), Now), "reason");
}
