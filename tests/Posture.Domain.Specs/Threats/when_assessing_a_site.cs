using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Threats;

namespace Posture.Domain.Specs.Threats;

/// <summary>The score sums each counted incident's severity × decay × where-it-happened weight; each rule on its own.</summary>
public sealed class when_assessing_a_site : ThreatSpecs
{
    private static readonly Guid Attack = Guid.Parse("a77ac000-0000-4000-8000-000000000001");
    private static readonly RocketAttackOccurred AttackOnBalad = Rockets(Balad, Saturday, Attack);
    private static readonly double SeedSeverity = Severity.Of(IncidentKind.Rocket, AttackOnBalad.Report, Options);

    [Fact]
    public void a_site_with_no_incidents_is_low_and_recommends_normal()
    {
        var assessment = Assess(Balad, Given(BaladRegistered), Saturday);
        assessment.Score.ShouldBe(0);
        assessment.Level.ShouldBe(ThreatLevel.Low);
        assessment.RecommendedFpcon.ShouldBe(ForceProtectionCondition.Normal);
        assessment.Contributions.ShouldBeEmpty();
        assessment.Floor.ShouldBeNull();
    }

    [Fact]
    public void an_incident_counts_fully_at_the_instant_it_happened()
    {
        var contribution = Assess(Balad, Given(BaladRegistered, AttackOnBalad), Saturday).Contributions.ShouldHaveSingleItem();
        contribution.ShouldBe(new ThreatContribution(Attack, IncidentKind.Rocket, Saturday, Balad, 0, 1, SeedSeverity, SeedSeverity));
    }

    [Fact]
    public void decay_halves_the_contribution_after_one_half_life()
    {
        var assessment = Assess(Balad, Given(BaladRegistered, AttackOnBalad), Saturday + HalfLife);
        var contribution = assessment.Contributions.ShouldHaveSingleItem();
        contribution.Weight.ShouldBe(0.5, 1e-12);
        contribution.Contribution.ShouldBe(SeedSeverity / 2, 1e-12);
        assessment.Score.ShouldBe(SeedSeverity / 2, 1e-12);
    }

    [Fact]
    public void decay_quarters_the_contribution_after_two_half_lives() =>
        Assess(Balad, Given(BaladRegistered, AttackOnBalad), Saturday + HalfLife + HalfLife).Score.ShouldBe(SeedSeverity / 4, 1e-12);

    [Fact]
    public void a_shorter_half_life_forgets_faster() =>
        Assess(Balad, Given(BaladRegistered, AttackOnBalad), Saturday + Duration.FromDays(10), Options with { HalfLife = Duration.FromDays(10) })
            .Score.ShouldBe(SeedSeverity / 2, 1e-12);

    [Fact]
    public void an_incident_in_the_future_of_the_instant_contributes_nothing()
    {
        var assessment = Assess(Balad, Given(BaladRegistered, AttackOnBalad), Saturday - Duration.FromSeconds(1));
        assessment.Score.ShouldBe(0);
        assessment.Contributions.ShouldBeEmpty();
    }

    [Fact]
    public void a_retracted_incident_contributes_nothing()
    {
        var assessment = Assess(Balad, Given(BaladRegistered, AttackOnBalad, new IncidentRetracted(Balad, Attack, "it was a controlled detonation")), Saturday);
        assessment.Score.ShouldBe(0);
        assessment.Contributions.ShouldBeEmpty();
    }

    [Fact]
    public void a_corrected_incident_counts_as_corrected()
    {
        var corrected = Report(Saturday, injured: 9);
        var before = Assess(Balad, Given(BaladRegistered, AttackOnBalad), Saturday);
        var after = Assess(Balad, Given(BaladRegistered, AttackOnBalad, new IncidentCorrected(Balad, Attack, corrected, "wounded revised")), Saturday);
        after.Score.ShouldBe(before.Score + 8 * 0.5, 1e-12);
        after.Contributions.ShouldHaveSingleItem().Severity.ShouldBe(Severity.Of(IncidentKind.Rocket, corrected, Options));
    }

    [Fact]
    public void a_correction_of_when_it_happened_moves_its_decay()
    {
        var aMonthEarlier = Report(Saturday - HalfLife);
        var assessment = Assess(Balad, Given(BaladRegistered, AttackOnBalad, new IncidentCorrected(Balad, Attack, aMonthEarlier, "date was wrong")), Saturday);
        var contribution = assessment.Contributions.ShouldHaveSingleItem();
        contribution.OccurredAt.ShouldBe(Saturday - HalfLife);
        contribution.Weight.ShouldBe(0.5, 1e-12);
    }

    [Fact]
    public void an_incident_at_a_site_nearby_counts_at_the_nearby_weight()
    {
        var assessment = Assess(Outpost, Given(BaladRegistered, OutpostRegistered, AttackOnBalad), Saturday);
        var contribution = assessment.Contributions.ShouldHaveSingleItem();
        contribution.SiteId.ShouldBe(Balad);
        contribution.DistanceKm.ShouldBe(20.0, 0.1);
        contribution.Weight.ShouldBe(0.25);
        assessment.Score.ShouldBe(SeedSeverity * 0.25, 1e-12);
    }

    [Fact]
    public void a_nearby_incident_decays_like_any_other() =>
        Assess(Outpost, Given(BaladRegistered, OutpostRegistered, AttackOnBalad), Saturday + HalfLife)
            .Contributions.ShouldHaveSingleItem().Weight.ShouldBe(0.125, 1e-12);

    [Fact]
    public void an_incident_at_a_site_beyond_the_radius_counts_not_at_all()
    {
        var inputs = Given(BaladRegistered, ErbilRegistered, NatoHqRegistered, AttackOnBalad);
        Assess(Erbil, inputs, Saturday).Contributions.ShouldBeEmpty();
        Assess(NatoHq, inputs, Saturday).Contributions.ShouldBeEmpty();
    }

    [Fact]
    public void a_wider_radius_brings_farther_sites_in()
    {
        var inputs = Given(BaladRegistered, NatoHqRegistered, AttackOnBalad);
        Assess(NatoHq, inputs, Saturday, Options with { NearbyRadiusKm = 100 }).Contributions.ShouldHaveSingleItem().DistanceKm.ShouldBe(69.3, 0.1);
    }

    [Fact]
    public void a_site_not_registered_counts_only_its_own_incidents() =>
        Assess(Outpost, Given(BaladRegistered, AttackOnBalad), Saturday).Contributions.ShouldBeEmpty();

    [Fact]
    public void contributions_are_listed_largest_first_and_sum_to_the_score()
    {
        var older = Rockets(Balad, Saturday - HalfLife);
        var nearby = Rockets(Outpost, Saturday - Duration.FromDays(1));
        var assessment = Assess(Balad, Given(BaladRegistered, OutpostRegistered, older, nearby, AttackOnBalad), Saturday);
        assessment.Contributions.Select(c => c.IncidentId).ShouldBe([Attack, older.IncidentId, nearby.IncidentId]);
        assessment.Contributions.Select(c => c.SiteId).ShouldBe([Balad, Balad, Outpost]);
        assessment.Score.ShouldBe(assessment.Contributions.Sum(c => c.Contribution), 1e-12);
    }

    [Fact]
    public void the_same_inputs_and_instant_always_give_the_same_answer()
    {
        var inputs = Given(BaladRegistered, OutpostRegistered, AttackOnBalad, Rockets(Outpost, Saturday - Duration.FromDays(3)));
        var at = Saturday + Duration.FromDays(5);
        var first = Assess(Balad, inputs, at);
        var second = Assess(Balad, inputs, at);
        second.Contributions.ShouldBe(first.Contributions);
        second.ShouldBe(first with { Contributions = second.Contributions });
    }
}
