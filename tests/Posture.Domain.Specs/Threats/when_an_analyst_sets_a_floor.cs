using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Threats;

namespace Posture.Domain.Specs.Threats;

/// <summary>An analyst's assessment raises the computed level, never lowers it, and only while it is in force.</summary>
public sealed class when_an_analyst_sets_a_floor : ThreatSpecs
{
    private static readonly Instant AssessedAt = Instant.FromUtc(2021, 2, 16, 8, 0);
    private static readonly Instant ExpiresAt = AssessedAt + Duration.FromDays(14);

    private static ThreatAssessed Floor(ThreatLevel level, Guid? site = null, Instant? assessedAt = null, Instant? expiresAt = null) =>
        new(site ?? Balad, level, "Second attack on a base with US contractors in a week", assessedAt ?? AssessedAt, expiresAt ?? ExpiresAt);

    [Fact]
    public void a_floor_raises_a_lower_computed_level_and_its_recommendation()
    {
        var assessment = Assess(Balad, Given(BaladRegistered, Floor(ThreatLevel.High)), AssessedAt + Duration.FromDays(1));
        assessment.ComputedLevel.ShouldBe(ThreatLevel.Low);
        assessment.Level.ShouldBe(ThreatLevel.High);
        assessment.RecommendedFpcon.ShouldBe(ForceProtectionCondition.Charlie);
        assessment.Floor.ShouldBe(new AnalystFloor(ThreatLevel.High, "Second attack on a base with US contractors in a week", AssessedAt, ExpiresAt));
        assessment.Score.ShouldBe(0);
    }

    [Fact]
    public void a_floor_never_lowers_a_higher_computed_level()
    {
        var inputs = Given(BaladRegistered, Floor(ThreatLevel.Moderate), new RocketAttackOccurred(Balad, Guid.NewGuid(),
            Report(AssessedAt, rounds: 6, impact: Impact.OccupiedArea, killed: 3, injured: 5)));
        var assessment = Assess(Balad, inputs, AssessedAt);
        assessment.ComputedLevel.ShouldBe(ThreatLevel.Critical);
        assessment.Level.ShouldBe(ThreatLevel.Critical);
        assessment.Floor.ShouldNotBeNull().Level.ShouldBe(ThreatLevel.Moderate);
    }

    [Fact]
    public void a_floor_is_in_force_from_the_instant_it_was_assessed() =>
        Assess(Balad, Given(BaladRegistered, Floor(ThreatLevel.Significant)), AssessedAt).Level.ShouldBe(ThreatLevel.Significant);

    [Fact]
    public void a_floor_is_not_in_force_before_it_was_assessed()
    {
        var assessment = Assess(Balad, Given(BaladRegistered, Floor(ThreatLevel.Significant)), AssessedAt - Duration.FromSeconds(1));
        assessment.Level.ShouldBe(ThreatLevel.Low);
        assessment.Floor.ShouldBeNull();
    }

    [Fact]
    public void a_floor_holds_until_just_before_it_expires() =>
        Assess(Balad, Given(BaladRegistered, Floor(ThreatLevel.Significant)), ExpiresAt - Duration.FromSeconds(1)).Level.ShouldBe(ThreatLevel.Significant);

    [Fact]
    public void a_floor_stops_at_its_expiry()
    {
        var assessment = Assess(Balad, Given(BaladRegistered, Floor(ThreatLevel.Significant)), ExpiresAt);
        assessment.Level.ShouldBe(ThreatLevel.Low);
        assessment.Floor.ShouldBeNull();
    }

    [Fact]
    public void of_two_floors_in_force_the_higher_holds()
    {
        var inputs = Given(BaladRegistered, Floor(ThreatLevel.High), Floor(ThreatLevel.Moderate, assessedAt: AssessedAt + Duration.FromDays(1)));
        Assess(Balad, inputs, AssessedAt + Duration.FromDays(2)).Floor.ShouldNotBeNull().Level.ShouldBe(ThreatLevel.High);
    }

    [Fact]
    public void when_the_higher_floor_expires_the_lower_one_still_in_force_holds()
    {
        var inputs = Given(BaladRegistered, Floor(ThreatLevel.High), Floor(ThreatLevel.Moderate, expiresAt: ExpiresAt + Duration.FromDays(7)));
        Assess(Balad, inputs, ExpiresAt).Level.ShouldBe(ThreatLevel.Moderate);
    }

    [Fact]
    public void a_floor_at_one_site_does_not_hold_at_its_neighbour()
    {
        var inputs = Given(BaladRegistered, OutpostRegistered, Floor(ThreatLevel.Critical));
        Assess(Outpost, inputs, AssessedAt).Level.ShouldBe(ThreatLevel.Low);
    }
}
