using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Common;

namespace Posture.Domain.Specs.Bases;

public sealed class when_recording_an_incident : BaseSpecs
{
    private static RecordIncident Record(IncidentReport? report = null, IncidentKind kind = IncidentKind.Rocket) =>
        new(Balad, SeedIncident, kind, report ?? SeedReport());

    [Fact]
    public void a_rocket_attack_is_recorded_as_reported() =>
        ThenEvents(BaseDecider.Decide(Record(), Given(BaladRegistered), Now), SeedAttack);

    [Fact]
    public void each_kind_has_its_own_event()
    {
        IncidentKind[] kinds = [IncidentKind.Rocket, IncidentKind.Drone, IncidentKind.IndirectFire, IncidentKind.Ied, IncidentKind.SmallArms];
        var events = kinds.Select(kind => BaseDecider.Decide(Record(kind: kind), Given(BaladRegistered), Now).Events.Single()).ToList();

        events.Select(e => e.GetType()).ShouldBe(
            [typeof(RocketAttackOccurred), typeof(DroneAttackOccurred), typeof(IndirectFireOccurred), typeof(IedDetonated), typeof(SmallArmsFireOccurred)]);
        events.Cast<IIncidentOccurred>().Select(e => e.Kind).ShouldBe(kinds);
    }

    [Fact]
    public void an_incident_at_exactly_now_is_accepted() =>
        BaseDecider.Decide(Record(SeedReport(occurredAt: Now)), Given(BaladRegistered), Now).IsAccepted.ShouldBeTrue();

    [Fact]
    public void an_incident_at_an_unknown_base_is_not_found()
    {
        var rejection = ThenRefused(BaseDecider.Decide(Record(), Given(), Now), RejectionKind.NotFound);
        rejection.Reason.ShouldContain(Balad.ToString());
    }

    [Fact]
    public void an_incident_in_the_future_is_refused() =>
        ThenInvalid(BaseDecider.Decide(Record(SeedReport(occurredAt: Now + Duration.FromSeconds(1))), Given(BaladRegistered), Now), "occurredAt");

    [Fact]
    public void negative_rounds_are_refused() =>
        ThenInvalid(BaseDecider.Decide(Record(SeedReport(rounds: -1)), Given(BaladRegistered), Now), "rounds");

    [Fact]
    public void negative_casualties_are_refused() =>
        ThenInvalid(BaseDecider.Decide(Record(SeedReport(killed: -1, injured: -2)), Given(BaladRegistered), Now), "killed", "injured");

    [Fact]
    public void an_incident_without_a_source_is_refused() =>
        ThenInvalid(BaseDecider.Decide(Record(SeedReport(source: " ")), Given(BaladRegistered), Now), "source");

    [Fact]
    public void notes_longer_than_the_limit_are_refused() =>
        ThenInvalid(BaseDecider.Decide(Record(SeedReport(notes: new string('n', Limits.LongText + 1))), Given(BaladRegistered), Now), "notes");

    [Fact]
    public void values_outside_their_lists_are_refused() =>
        ThenInvalid(
            BaseDecider.Decide(
                Record(SeedReport() with { Impact = (Impact)42, Confidence = (Confidence)7, Precision = (TimePrecision)9 }, (IncidentKind)99),
                Given(BaladRegistered), Now),
            "kind", "impact", "confidence", "precision");

    [Fact]
    public void a_claim_without_the_group_is_refused() =>
        ThenInvalid(BaseDecider.Decide(Record(SeedReport() with { Attribution = Attribution.Claimed }), Given(BaladRegistered), Now), "attributedTo");

    [Fact]
    public void a_group_named_for_an_unattributed_attack_is_dropped()
    {
        var decision = BaseDecider.Decide(Record(SeedReport() with { AttributedTo = "someone" }), Given(BaladRegistered), Now);
        decision.Events.OfType<RocketAttackOccurred>().Single().Report.AttributedTo.ShouldBeNull();
    }

    [Fact]
    public void field_problems_are_named_before_the_base_is_looked_up() =>
        ThenInvalid(BaseDecider.Decide(Record(SeedReport(rounds: -4)), Given(), Now), "rounds");

    [Fact]
    public void the_same_incident_recorded_twice_is_a_conflict()
    {
        var rejection = ThenRefused(BaseDecider.Decide(Record(), Given(BaladRegistered, SeedAttack), Now), RejectionKind.Conflict);
        rejection.Reason.ShouldContain(SeedIncident.ToString());
    }

    [Fact]
    public void blank_optional_text_is_recorded_as_absent_and_text_is_trimmed()
    {
        var report = SeedReport(notes: "   ", source: "  AP  ") with { Attribution = Attribution.Claimed, AttributedTo = " Awliya al-Dam " };
        var recorded = BaseDecider.Decide(Record(report), Given(BaladRegistered), Now).Events.OfType<RocketAttackOccurred>().Single().Report;
        recorded.Notes.ShouldBeNull();
        recorded.Source.ShouldBe("AP");
        recorded.AttributedTo.ShouldBe("Awliya al-Dam");
    }
}
