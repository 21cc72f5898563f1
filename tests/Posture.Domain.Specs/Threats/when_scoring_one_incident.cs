using Posture.Domain.Bases;
using Posture.Domain.Threats;

namespace Posture.Domain.Specs.Threats;

/// <summary>An incident's severity at its own site: the Global Terrorism Index's sum, scaled by kind, rounds, impact and confidence.</summary>
public sealed class when_scoring_one_incident : ThreatSpecs
{
    private static double SeverityOf(IncidentReport report, IncidentKind kind = IncidentKind.Rocket) => Severity.Of(kind, report, Options);

    [Fact]
    public void the_seed_attack_counts_the_incident_scaled_by_its_rounds_plus_half_for_the_injured_worker() =>
        // 1 (rocket) × (1 + 0.5 × log2(5)) × 1 (open area) + 0.5 × 1 injured.
        SeverityOf(Report(Saturday)).ShouldBe(1 + 0.5 * Math.Log2(5) + 0.5, 1e-12);

    [Fact]
    public void each_death_counts_three_and_each_injury_half()
    {
        var none = SeverityOf(Report(Saturday, killed: 0, injured: 0));
        SeverityOf(Report(Saturday, killed: 2, injured: 0)).ShouldBe(none + 6, 1e-12);
        SeverityOf(Report(Saturday, killed: 0, injured: 3)).ShouldBe(none + 1.5, 1e-12);
    }

    [Fact]
    public void an_incident_that_hurt_nobody_still_counts() =>
        SeverityOf(Report(Saturday, rounds: 0, killed: 0, injured: 0)).ShouldBe(1.0);

    [Fact]
    public void every_doubling_of_rounds_plus_one_adds_the_same_so_each_further_round_adds_less()
    {
        double Attack(int rounds) => SeverityOf(Report(Saturday, rounds: rounds, killed: 0, injured: 0));
        (Attack(1) - Attack(0)).ShouldBe(0.5, 1e-12);
        (Attack(3) - Attack(1)).ShouldBe(0.5, 1e-12);
        (Attack(7) - Attack(3)).ShouldBe(0.5, 1e-12);
    }

    [Fact]
    public void the_closer_to_people_the_worse()
    {
        Impact[] outward = [Impact.OpenArea, Impact.Perimeter, Impact.Inside, Impact.OccupiedArea];
        var severities = outward.Select(impact => SeverityOf(Report(Saturday, impact: impact))).ToList();
        severities.ShouldBeInOrder(SortDirection.Ascending);
        severities.Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public void a_less_certain_report_counts_less()
    {
        var confirmed = SeverityOf(Report(Saturday, confidence: Confidence.Confirmed));
        var probable = SeverityOf(Report(Saturday, confidence: Confidence.Probable));
        var unconfirmed = SeverityOf(Report(Saturday, confidence: Confidence.Unconfirmed));
        probable.ShouldBe(confirmed * 0.7, 1e-12);
        unconfirmed.ShouldBe(confirmed * 0.4, 1e-12);
    }

    [Fact]
    public void drones_weigh_most_and_small_arms_least()
    {
        var report = Report(Saturday, killed: 0, injured: 0);
        SeverityOf(report, IncidentKind.Drone).ShouldBeGreaterThan(SeverityOf(report, IncidentKind.Rocket));
        SeverityOf(report, IncidentKind.Rocket).ShouldBe(SeverityOf(report, IncidentKind.Ied));
        SeverityOf(report, IncidentKind.Rocket).ShouldBeGreaterThan(SeverityOf(report, IncidentKind.IndirectFire));
        SeverityOf(report, IncidentKind.IndirectFire).ShouldBeGreaterThan(SeverityOf(report, IncidentKind.SmallArms));
    }

    [Fact]
    public void counts_below_zero_count_as_zero_so_severity_is_never_negative() =>
        SeverityOf(Report(Saturday, rounds: -5, killed: -2, injured: -9)).ShouldBe(SeverityOf(Report(Saturday, rounds: 0, killed: 0, injured: 0)));

    [Fact]
    public void options_change_the_answer()
    {
        var heavierInjuries = Options with { CasualtyWeights = new CasualtyWeights { Injury = 1.0 } };
        Severity.Of(IncidentKind.Rocket, Report(Saturday, injured: 2), heavierInjuries)
            .ShouldBe(SeverityOf(Report(Saturday, injured: 2)) + 1.0, 1e-12);
    }
}
