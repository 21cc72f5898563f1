using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Common;

namespace Posture.Domain.Specs.Bases;

public sealed class when_recording_a_rocket_attack : BaseSpecs
{
    private static readonly Guid Incident = Guid.Parse("20210220-0000-4000-8000-00000000ba1d");

    /// <summary>The seed story: at least four rockets on Saturday evening, open area near the perimeter, one contractor injured.</summary>
    private static RecordRocketAttack SeedAttack(
        Instant? occurredAt = null, int rounds = 4, int killed = 0, int injured = 1, string source = "Iraqi military statement", string? notes = null) =>
        new(Balad, Incident, occurredAt ?? Instant.FromUtc(2021, 2, 20, 17, 30), rounds, Impact.Perimeter, killed, injured,
            Affiliation.Contractor, null, source, Confidence.Confirmed, notes);

    [Fact]
    public void the_attack_is_recorded_as_reported() =>
        ThenEvents(
            BaseDecider.Decide(SeedAttack(), Given(BaladRegistered), Now),
            new RocketAttackOccurred(Balad, Incident, Instant.FromUtc(2021, 2, 20, 17, 30), 4, Impact.Perimeter, 0, 1,
                Affiliation.Contractor, null, "Iraqi military statement", Confidence.Confirmed, null));

    [Fact]
    public void an_attack_at_exactly_now_is_accepted() =>
        BaseDecider.Decide(SeedAttack(occurredAt: Now), Given(BaladRegistered), Now).IsAccepted.ShouldBeTrue();

    [Fact]
    public void an_attack_on_an_unknown_base_is_not_found()
    {
        var rejection = ThenRefused(BaseDecider.Decide(SeedAttack(), Given(), Now), RejectionKind.NotFound);
        rejection.Reason.ShouldContain(Balad.ToString());
    }

    [Fact]
    public void an_attack_in_the_future_is_refused() =>
        ThenInvalid(BaseDecider.Decide(SeedAttack(occurredAt: Now + Duration.FromSeconds(1)), Given(BaladRegistered), Now), "occurredAt");

    [Fact]
    public void negative_rounds_are_refused() =>
        ThenInvalid(BaseDecider.Decide(SeedAttack(rounds: -1), Given(BaladRegistered), Now), "rounds");

    [Fact]
    public void negative_casualties_are_refused() =>
        ThenInvalid(BaseDecider.Decide(SeedAttack(killed: -1, injured: -2), Given(BaladRegistered), Now), "killed", "injured");

    [Fact]
    public void an_attack_without_a_source_is_refused() =>
        ThenInvalid(BaseDecider.Decide(SeedAttack(source: " "), Given(BaladRegistered), Now), "source");

    [Fact]
    public void notes_longer_than_the_limit_are_refused() =>
        ThenInvalid(BaseDecider.Decide(SeedAttack(notes: new string('n', Limits.LongText + 1)), Given(BaladRegistered), Now), "notes");

    [Fact]
    public void an_impact_that_is_not_a_known_value_is_refused() =>
        ThenInvalid(BaseDecider.Decide(SeedAttack() with { Impact = (Impact)42 }, Given(BaladRegistered), Now), "impact");

    [Fact]
    public void field_problems_are_named_before_the_base_is_looked_up() =>
        ThenInvalid(BaseDecider.Decide(SeedAttack(rounds: -4), Given(), Now), "rounds");

    [Fact]
    public void the_same_incident_recorded_twice_is_a_conflict()
    {
        var history = BaseDecider.Decide(SeedAttack(), Given(BaladRegistered), Now).Events;
        var rejection = ThenRefused(
            BaseDecider.Decide(SeedAttack(), Given([BaladRegistered, .. history]), Now), RejectionKind.Conflict);
        rejection.Reason.ShouldContain(Incident.ToString());
    }

    [Fact]
    public void blank_optional_text_is_recorded_as_absent()
    {
        var decision = BaseDecider.Decide(SeedAttack(notes: "   ") with { ClaimedBy = "" }, Given(BaladRegistered), Now);
        var recorded = decision.Events.OfType<RocketAttackOccurred>().Single();
        recorded.Notes.ShouldBeNull();
        recorded.ClaimedBy.ShouldBeNull();
    }
}
