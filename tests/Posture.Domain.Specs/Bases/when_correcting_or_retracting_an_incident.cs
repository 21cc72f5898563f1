using Posture.Domain.Bases;
using Posture.Domain.Common;

namespace Posture.Domain.Specs.Bases;

/// <summary>A wrong report is answered by a new event, never by editing the old one.</summary>
public sealed class when_correcting_or_retracting_an_incident : BaseSpecs
{
    /// <summary>Erbil's wounded were first reported as six, then nine: the same shape here, one injured becomes three.</summary>
    private static readonly IncidentReport Revised = SeedReport(injured: 3);

    [Fact]
    public void a_correction_records_the_whole_corrected_report_and_why() =>
        ThenEvents(
            BaseDecider.Decide(new CorrectIncident(Balad, SeedIncident, Revised, " AP revised the wounded "), Given(BaladRegistered, SeedAttack), Now),
            new IncidentCorrected(Balad, SeedIncident, Revised, "AP revised the wounded"));

    [Fact]
    public void the_state_then_holds_the_corrected_report()
    {
        var state = Given(BaladRegistered, SeedAttack, new IncidentCorrected(Balad, SeedIncident, Revised, "revised")).ShouldNotBeNull();
        state.Incidents[SeedIncident].Report.Injured.ShouldBe(3);
    }

    [Fact]
    public void a_correction_that_changes_nothing_is_a_conflict() =>
        ThenRefused(BaseDecider.Decide(new CorrectIncident(Balad, SeedIncident, SeedReport(), "same"), Given(BaladRegistered, SeedAttack), Now),
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
    public void a_correction_needs_a_reason_and_a_valid_report() =>
        ThenInvalid(BaseDecider.Decide(new CorrectIncident(Balad, SeedIncident, SeedReport(rounds: -1), ""), Given(BaladRegistered, SeedAttack), Now),
            "reason", "rounds");

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
