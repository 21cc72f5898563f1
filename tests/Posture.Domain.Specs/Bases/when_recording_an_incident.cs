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
        ThenEvents(Decide(Record(), BaladRegistered), SeedAttack);

    [Fact]
    public void each_kind_has_its_own_event()
    {
        IncidentKind[] kinds = [IncidentKind.Rocket, IncidentKind.Drone, IncidentKind.IndirectFire, IncidentKind.Ied, IncidentKind.SmallArms];
        var events = kinds.Select(kind => Decide(Record(kind: kind), BaladRegistered).Events.Single()).ToList();

        events.Select(e => e.GetType()).ShouldBe(
            [typeof(RocketAttackOccurred), typeof(DroneAttackOccurred), typeof(IndirectFireOccurred), typeof(IedDetonated), typeof(SmallArmsFireOccurred)]);
        events.Cast<IIncidentOccurred>().Select(e => e.Kind).ShouldBe(kinds);
    }

    [Fact]
    public void an_incident_at_exactly_now_is_accepted() =>
        Decide(Record(SeedReport(occurredAt: Now)), BaladRegistered).IsAccepted.ShouldBeTrue();

    [Fact]
    public void an_incident_at_an_unknown_base_is_not_found()
    {
        var rejection = ThenRefused(Decide(Record()), RejectionKind.NotFound);
        rejection.Reason.ShouldContain(Balad.ToString());
    }

    [Fact]
    public void an_incident_in_the_future_is_refused() =>
        ThenInvalid(Decide(Record(SeedReport(occurredAt: Now + Duration.FromSeconds(1))), BaladRegistered), "occurredAt");

    [Fact]
    public void negative_rounds_are_refused() =>
        ThenInvalid(Decide(Record(SeedReport(rounds: -1)), BaladRegistered), "rounds");

    [Fact]
    public void negative_casualties_are_refused() =>
        ThenInvalid(Decide(Record(SeedReport(killed: -1, injured: -2)), BaladRegistered), "killed", "injured");

    [Fact]
    public void an_incident_without_a_source_is_refused() =>
        ThenInvalid(Decide(Record(SeedReport(source: " ")), BaladRegistered), "source");

    [Fact]
    public void notes_longer_than_the_limit_are_refused() =>
        ThenInvalid(Decide(Record(SeedReport(notes: new string('n', Limits.LongText + 1))), BaladRegistered), "notes");

    [Fact]
    public void values_outside_their_lists_are_refused() =>
        ThenInvalid(
            Decide(Record(SeedReport() with { Impact = (Impact)42, Confidence = (Confidence)7, Precision = (TimePrecision)9 }, (IncidentKind)99), BaladRegistered),
            "kind", "impact", "confidence", "precision");

    [Fact]
    public void a_claim_without_the_group_is_refused() =>
        ThenInvalid(Decide(Record(SeedReport() with { Attribution = Attribution.Claimed }), BaladRegistered), "attributedTo");

    [Fact]
    public void a_group_named_for_an_unattributed_attack_is_dropped()
    {
        var decision = Decide(Record(SeedReport() with { AttributedTo = "someone" }), BaladRegistered);
        decision.Events.OfType<RocketAttackOccurred>().Single().Report.AttributedTo.ShouldBeNull();
    }

    [Fact]
    public void field_problems_are_named_before_the_base_is_looked_up() =>
        ThenInvalid(Decide(Record(SeedReport(rounds: -4))), "rounds");

    [Fact]
    public void the_same_incident_recorded_twice_is_a_conflict()
    {
        var rejection = ThenRefused(Decide(Record(), BaladRegistered, SeedAttack), RejectionKind.Conflict);
        rejection.Reason.ShouldContain(SeedIncident.ToString());
    }

    [Fact]
    public void blank_optional_text_is_recorded_as_absent_and_text_is_trimmed()
    {
        var report = SeedReport(notes: "   ", source: "  AP  ") with { Attribution = Attribution.Claimed, AttributedTo = " Awliya al-Dam " };
        var recorded = Decide(Record(report), BaladRegistered).Events.OfType<RocketAttackOccurred>().Single().Report;
        recorded.Notes.ShouldBeNull();
        recorded.Source.ShouldBe("AP");
        recorded.AttributedTo.ShouldBe("Awliya al-Dam");
    }

    [Fact]
    public void a_retracted_incident_is_not_recorded_again() =>
        ThenConflict(Decide(Record(), BaladRegistered, SeedAttack, new IncidentRetracted(Balad, SeedIncident, "wrong")), SeedIncident.ToString());

    [Fact]
    public void the_state_is_the_same_after_any_number_of_incidents()
    {
        var history = Enumerable.Range(1, 1000)
            .Select(i => (object)new RocketAttackOccurred(Balad, Guid.NewGuid(), SeedReport(occurredAt: Now - Duration.FromHours(i))))
            .Prepend(BaladRegistered).ToArray();

        Given(history).ShouldBe(Given(BaladRegistered));
        IncidentRecord.Fold(history).Count.ShouldBe(1000);
    }

    [Fact]
    public void an_incident_is_recorded_unless_the_record_it_is_given_says_it_was()
    {
        var recorded = new IncidentRecord(SeedIncident, IncidentKind.Drone, SeedReport(), SeedReport(), Retracted: false);
        ThenConflict(BaseDecider.Decide(Record(), Given(BaladRegistered), recorded, Now), "already recorded");
        ThenEvents(BaseDecider.Decide(Record(), Given(BaladRegistered, SeedAttack), null, Now), SeedAttack);
    }

    [Fact]
    public void an_id_another_base_holds_is_refused_as_a_conflict_naming_that_base()
    {
        var erbil = Guid.NewGuid();
        var rejection = ThenRefused(BaseDecider.Decide(Record(), Given(BaladRegistered), null, Now, recordedAtBase: erbil), RejectionKind.Conflict);

        rejection.Reason.ShouldContain("another base");
        rejection.Reason.ShouldContain(erbil.ToString());
        rejection.Problems.Single().Field.ShouldBe("incidentId");
        ThenEvents(BaseDecider.Decide(Record(), Given(BaladRegistered), null, Now, recordedAtBase: Balad), SeedAttack);
    }
}
