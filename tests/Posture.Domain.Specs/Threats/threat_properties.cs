using FsCheck;
using FsCheck.Xunit;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Threats;

namespace Posture.Domain.Specs.Threats;

/// <summary>What holds for every report and every history, not only the ones we thought of.</summary>
[Properties(MaxTest = 500, Arbitrary = new[] { typeof(ThreatArbitraries) })]
public sealed class threat_properties
{
    private static readonly ThreatOptions Options = ThreatOptions.Default;

    private static double SeverityOf(IncidentKind kind, IncidentReport report) => Severity.Of(kind, report, Options);

    [Property]
    public void severity_never_falls_when_killed_injured_or_rounds_rise(
        IncidentKind kind, IncidentReport report, NonNegativeInt moreKilled, NonNegativeInt moreInjured, NonNegativeInt moreRounds)
    {
        var severity = SeverityOf(kind, report);
        SeverityOf(kind, report with { Killed = report.Killed + moreKilled.Get }).ShouldBeGreaterThanOrEqualTo(severity);
        SeverityOf(kind, report with { Injured = report.Injured + moreInjured.Get }).ShouldBeGreaterThanOrEqualTo(severity);
        SeverityOf(kind, report with { Rounds = report.Rounds + moreRounds.Get }).ShouldBeGreaterThanOrEqualTo(severity);
    }

    [Property]
    public void severity_rises_with_every_death_and_every_injury(IncidentKind kind, IncidentReport report)
    {
        var severity = SeverityOf(kind, report);
        SeverityOf(kind, report with { Killed = report.Killed + 1 }).ShouldBeGreaterThan(severity);
        SeverityOf(kind, report with { Injured = report.Injured + 1 }).ShouldBeGreaterThan(severity);
    }

    [Property]
    public void severity_never_falls_when_the_impact_gets_worse(IncidentKind kind, IncidentReport report, Impact other)
    {
        var (better, worse) = report.Impact <= other ? (report.Impact, other) : (other, report.Impact);
        SeverityOf(kind, report with { Impact = worse }).ShouldBeGreaterThanOrEqualTo(SeverityOf(kind, report with { Impact = better }));
    }

    [Property]
    public void severity_is_never_negative_whatever_the_counts(IncidentKind kind, IncidentReport report, int rounds, int killed, int injured) =>
        SeverityOf(kind, report with { Rounds = rounds, Killed = killed, Injured = injured }).ShouldBeGreaterThanOrEqualTo(0);

    [Property]
    public void a_contribution_never_rises_with_age(IncidentKind kind, IncidentReport report, Duration age, Duration older)
    {
        var site = History.Sites[0];
        var inputs = ThreatInputs.From([
            new BaseRegistered(site, "site", "Iraq", "region", 33.9333, 44.3667, report.OccurredAt),
            ThreatArbitraries.IncidentEvent(kind, site, Guid.Empty, report),
        ]);
        var earlier = ThreatScorer.Assess(site, inputs, report.OccurredAt + age, Options).Contributions.Single();
        var later = ThreatScorer.Assess(site, inputs, report.OccurredAt + age + older, Options).Contributions.Single();
        later.Contribution.ShouldBeLessThanOrEqualTo(earlier.Contribution);
        later.Weight.ShouldBeLessThanOrEqualTo(earlier.Weight);
        earlier.Contribution.ShouldBeLessThanOrEqualTo(SeverityOf(kind, report));
    }

    [Property]
    public void the_score_is_never_negative_and_is_the_sum_of_the_contributions(History history)
    {
        var inputs = ThreatInputs.From(history.InStreamOrder);
        foreach (var site in History.Sites)
        {
            var assessment = ThreatScorer.Assess(site, inputs, history.At, Options);
            assessment.Score.ShouldBeGreaterThanOrEqualTo(0);
            assessment.Contributions.ShouldAllBe(c => c.Contribution >= 0 && c.OccurredAt <= history.At);
            assessment.Score.ShouldBe(assessment.Contributions.Sum(c => c.Contribution), 1e-9);
        }
    }

    [Property]
    public void a_floor_never_lowers_the_level(History history, ThreatLevel floor)
    {
        var site = History.Sites[0];
        var without = ThreatScorer.Assess(site, ThreatInputs.From(history.InStreamOrder), history.At, Options);
        var withFloor = ThreatScorer.Assess(site, ThreatInputs.From([
            .. history.InStreamOrder,
            new ThreatAssessed(site, floor, "generated", history.At, history.At + Duration.FromDays(1)),
        ]), history.At, Options);

        withFloor.Score.ShouldBe(without.Score);
        withFloor.ComputedLevel.ShouldBe(without.ComputedLevel);
        withFloor.Level.ShouldBe((ThreatLevel)Math.Max((int)without.Level, (int)floor));
        withFloor.RecommendedFpcon.ShouldBe(withFloor.Level.RecommendedFpcon());
    }

    [Property]
    public void streams_folded_in_any_interleaving_give_the_same_assessments(History history)
    {
        var inStreamOrder = ThreatInputs.From(history.InStreamOrder);
        var asArrived = ThreatInputs.From(history.AsArrived);
        foreach (var site in History.Sites)
        {
            var expected = ThreatScorer.Assess(site, inStreamOrder, history.At, Options);
            var actual = ThreatScorer.Assess(site, asArrived, history.At, Options);
            actual.Contributions.ShouldBe(expected.Contributions);
            actual.ShouldBe(expected with { Contributions = actual.Contributions });
        }
    }

    [Property]
    public void contributions_come_largest_first_then_latest_then_by_site_and_incident(History history)
    {
        var inputs = ThreatInputs.From(history.InStreamOrder);
        foreach (var site in History.Sites)
        {
            var contributions = ThreatScorer.Assess(site, inputs, history.At, Options).Contributions;
            contributions.ShouldBe(contributions
                .OrderByDescending(c => c.Contribution)
                .ThenByDescending(c => c.OccurredAt)
                .ThenBy(c => c.SiteId)
                .ThenBy(c => c.IncidentId));
        }
    }

    [Property]
    public void the_assessment_without_contributions_is_the_assessment_with_an_empty_list(History history, PositiveInt halfLifeDays)
    {
        var inputs = ThreatInputs.From(history.InStreamOrder);
        var options = Options with { HalfLife = Duration.FromDays(1 + (halfLifeDays.Get % 400)) };
        foreach (var site in History.Sites.Append(Guid.NewGuid()))
        {
            var full = ThreatScorer.Assess(site, inputs, history.At, options);
            var brief = ThreatScorer.AssessWithoutContributions(site, inputs, history.At, options);
            brief.Contributions.ShouldBeEmpty();
            // The same number, not a close one: the sum is added in the same order.
            brief.Score.ShouldBe(full.Score, 0.0);
            brief.ShouldBe(full with { Contributions = brief.Contributions });
        }
    }
}
