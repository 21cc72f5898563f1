using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Threats;

namespace Posture.Domain.Specs.Threats;

/// <summary>Busier histories than <see cref="ThreatArbitraries.Histories"/>: up to 60 incidents a site.</summary>
public static class BusyHistories
{
    public static Arbitrary<History> Histories() => ThreatArbitraries.HistoryGen(maxIncidents: 60).ToArbitrary();
}

/// <summary>
/// A site's running sum estimates its score within a margin that always holds the exact scorer's answer, so any band
/// (and any rounded score) it claims is the one the scorer gives; near a threshold it claims none, and callers score
/// exactly.
/// </summary>
[Properties(MaxTest = 300, Arbitrary = new[] { typeof(BusyHistories) })]
public sealed class when_keeping_a_running_threat_sum
{
    private static readonly ThreatOptions Options = ThreatOptions.Default;

    /// <summary>Instants to assess a history at: its own, and after its latest incident (where every sum can serve).</summary>
    private static IEnumerable<Instant> InstantsFor(History history)
    {
        var latest = history.InStreamOrder.Select(e => e switch
            {
                IIncidentOccurred o => o.Report.OccurredAt,
                IncidentCorrected c => c.Corrected.OccurredAt,
                _ => Instant.MinValue,
            })
            .Max();
        return [history.At, latest, latest + Duration.FromHours(7), latest + Duration.FromDays(29), latest + Duration.FromDays(400)];
    }

    private static ThreatEstimate? Estimate(IReadOnlyDictionary<Guid, SiteThreatSum> sums, History history, Guid site, Instant at, ThreatOptions options)
    {
        var places = history.InStreamOrder.OfType<BaseRegistered>().ToDictionary(r => r.BaseId);
        var here = places[site];
        var neighbours = places.Values
            .Where(p => p.BaseId != site && GeoDistance.Kilometres(here.Latitude, here.Longitude, p.Latitude, p.Longitude) <= options.NearbyRadiusKm)
            .Select(p => sums.GetValueOrDefault(p.BaseId));
        return ThreatEstimate.Of(sums.GetValueOrDefault(site), neighbours, at, options);
    }

    /// <summary>Every site of the history at every instant of <see cref="InstantsFor"/>: its sums and the scorer's exact assessment.</summary>
    private static IEnumerable<(Guid Site, Instant At, IReadOnlyDictionary<Guid, SiteThreatSum> Sums, ThreatAssessment Exact)> Assessments(History history)
    {
        var sums = SiteThreatSums.Fold(history.AsArrived, Options);
        var inputs = ThreatInputs.From(history.InStreamOrder);
        return InstantsFor(history).SelectMany(at => History.Sites.Select(site => (site, at, sums, ThreatScorer.Assess(site, inputs, at, Options))));
    }

    [Property]
    public void the_exact_score_lies_within_the_margin_and_every_certain_band_and_rounding_is_the_scorers(History history)
    {
        foreach (var (site, at, sums, exact) in Assessments(history))
        {
            if (Estimate(sums, history, site, at, Options) is not { } estimate)
            {
                continue;
            }

            Math.Abs(estimate.Score - exact.Score).ShouldBeLessThanOrEqualTo(estimate.Margin);
            estimate.Margin.ShouldBeLessThan(1e-6 * Math.Max(1, exact.Score), "the margin is tight enough to decide almost every band");
            if (estimate.Level(Options.Thresholds) is { } level)
            {
                level.ShouldBe(exact.Level);
                estimate.ComputedLevel(Options.Thresholds).ShouldBe(exact.ComputedLevel);
                estimate.Floor.ShouldBe(exact.Floor);
            }

            if (estimate.Rounded(4) is { } rounded)
            {
                rounded.ShouldBe(Math.Round(exact.Score, 4));
            }
        }
    }

    [Property]
    public void after_the_latest_incident_every_site_has_an_estimate(History history)
    {
        var sums = SiteThreatSums.Fold(history.AsArrived, Options);
        foreach (var at in InstantsFor(history).Skip(1))
        {
            foreach (var site in History.Sites)
            {
                Estimate(sums, history, site, at, Options).ShouldNotBeNull();
            }
        }
    }

    [Property]
    public void a_threshold_placed_at_the_exact_score_is_never_claimed_either_side(History history)
    {
        foreach (var (site, at, sums, exact) in Assessments(history))
        {
            var score = exact.Score;
            if (score <= 0)
            {
                continue;
            }

            // The scorer's own answer sits exactly on the Significant threshold: the running sum, a few bits away,
            // must not say which side it is on.
            var options = Options with { Thresholds = new LevelThresholds { Moderate = score / 2, Significant = score, High = score * 2, Critical = score * 4 } };
            Estimate(sums, history, site, at, options)?.ComputedLevel(options.Thresholds).ShouldBeNull();
        }
    }

    [Property]
    public void corrections_and_retractions_leave_the_sum_of_the_history_as_now_believed(History history)
    {
        // Folding the corrections and retractions gives the sum that folding only the reports now believed gives.
        var revised = SiteThreatSums.Fold(history.InStreamOrder, Options);
        var believed = ThreatInputs.From(history.InStreamOrder);
        foreach (var site in History.Sites)
        {
            var standing = believed.Sites[site].Incidents.Values.Where(i => !i.Retracted).ToList();
            var sum = revised[site];
            sum.Count.ShouldBe(standing.Count);
            if (sum.Anchor is not { } anchor)
            {
                standing.ShouldBeEmpty();
                continue;
            }

            var expected = standing.Sum(i => Severity.Of(i.Kind, i.Report, Options) * ThreatScorer.Decay(anchor - i.Report.OccurredAt, Options.HalfLife));
            Math.Abs(sum.Sum - expected).ShouldBeLessThanOrEqualTo(sum.Slack + (1e-15 * (sum.Severities + 1)));
        }
    }

    [Fact]
    public void a_score_exactly_on_a_threshold_is_left_to_the_exact_scorer()
    {
        // A rocket, no rounds, open ground, two injured, confirmed: severity 1 + 2 × 0.5 = 2, the Significant threshold.
        var site = History.Sites[0];
        var at = Instant.FromUtc(2021, 2, 20, 18, 0);
        var report = new IncidentReport(at, TimePrecision.Hour, 0, Impact.OpenArea, 0, 2, null, Attribution.Unknown, null, "test", Confidence.Confirmed, null);
        var sums = SiteThreatSums.Fold([Registered(site), new RocketAttackOccurred(site, Guid.NewGuid(), report)], Options);

        var estimate = ThreatEstimate.Of(sums[site], [], at, Options).ShouldNotBeNull();

        ThreatScorer.Assess(site, ThreatInputs.From([Registered(site), new RocketAttackOccurred(site, Guid.NewGuid(), report)]), at, Options)
            .Level.ShouldBe(ThreatLevel.Significant);
        estimate.Score.ShouldBe(2.0);
        estimate.Level(Options.Thresholds).ShouldBeNull("a score on a threshold is scored exactly");
        ThreatEstimate.Of(sums[site], [], at + Duration.FromHours(1), Options)!.Level(Options.Thresholds).ShouldBe(ThreatLevel.Moderate);
    }

    [Fact]
    public void a_sum_serves_only_the_half_life_and_weights_it_was_built_with()
    {
        var site = History.Sites[0];
        var sum = SiteThreatSums.Fold([Registered(site)], Options)[site];

        sum.Serves(Options).ShouldBeTrue();
        sum.Serves(Options with { HalfLife = Duration.FromDays(14) }).ShouldBeFalse();
        sum.Serves(Options with { KindWeights = new KindWeights { Drone = 2 } }).ShouldBeFalse();
        sum.Serves(Options with { NearbyRadiusKm = 10, NearbyWeight = 0.5, Thresholds = new LevelThresholds { Moderate = 3, Significant = 4, High = 5, Critical = 6 } })
            .ShouldBeTrue("radius, nearby weight and thresholds are applied by readers");
        ThreatEstimate.Of(sum, [], Instant.FromUtc(2021, 3, 1, 0, 0), Options with { HalfLife = Duration.FromDays(14) }).ShouldBeNull();
    }

    [Fact]
    public void a_correction_without_the_report_it_replaces_leaves_a_sum_that_is_never_used()
    {
        var site = History.Sites[0];
        var incident = Guid.NewGuid();
        var at = Instant.FromUtc(2021, 2, 20, 18, 0);
        var report = new IncidentReport(at, TimePrecision.Hour, 3, Impact.Inside, 0, 1, null, Attribution.Unknown, null, "test", Confidence.Confirmed, null);
        var sum = SiteThreatSums.Fold([Registered(site), new RocketAttackOccurred(site, incident, report)], Options)[site];

        var bare = SiteThreatSum.Evolve(sum, new IncidentCorrected(site, incident, report with { Killed = 3 }, "more killed"), Options)!;

        bare.Serves(Options).ShouldBeFalse();
        ThreatEstimate.Of(bare, [], at, Options).ShouldBeNull();
        SiteThreatSum.Evolve(bare, new RocketAttackOccurred(site, Guid.NewGuid(), report), Options)!.Serves(Options).ShouldBeFalse("until rebuilt");
        SiteThreatSum.Evolve(null, new RocketAttackOccurred(site, incident, report), Options)!.Serves(Options)
            .ShouldBeFalse("a sum that missed the base's registration missed its history");
    }

    [Fact]
    public void a_century_of_daily_incidents_at_a_one_day_half_life_stays_finite_and_exact_to_the_margin()
    {
        // 2^(36,500) overflows a double: the sum is kept at its latest incident, so no term ever exceeds its severity.
        var options = Options with { HalfLife = Duration.FromDays(1) };
        var site = History.Sites[0];
        var start = Instant.FromUtc(1925, 1, 1, 0, 0);
        var report = new IncidentReport(start, TimePrecision.Hour, 2, Impact.Perimeter, 1, 4, null, Attribution.Unknown, null, "test", Confidence.Probable, null);
        var events = new List<object> { Registered(site) };
        events.AddRange(Enumerable.Range(0, 36_500).Select(day =>
            new RocketAttackOccurred(site, Guid.NewGuid(), report with { OccurredAt = start + Duration.FromDays(day) + Duration.FromMinutes(day % 600) })));

        var sum = SiteThreatSums.Fold(events, options)[site];
        var at = start + Duration.FromDays(36_500);
        var exact = ThreatScorer.Assess(site, ThreatInputs.From(events), at, options);
        var estimate = ThreatEstimate.Of(sum, [], at, options).ShouldNotBeNull();

        double.IsFinite(sum.Sum).ShouldBeTrue();
        Math.Abs(estimate.Score - exact.Score).ShouldBeLessThanOrEqualTo(estimate.Margin);
        estimate.Level(options.Thresholds).ShouldBe(exact.Level);
    }

    [Fact]
    public void an_incident_after_the_instant_asked_leaves_the_answer_to_the_exact_scorer()
    {
        var site = History.Sites[0];
        var at = Instant.FromUtc(2021, 2, 20, 18, 0);
        var report = new IncidentReport(at, TimePrecision.Hour, 3, Impact.Inside, 0, 1, null, Attribution.Unknown, null, "test", Confidence.Confirmed, null);
        var sum = SiteThreatSums.Fold([Registered(site), new RocketAttackOccurred(site, Guid.NewGuid(), report)], Options)[site];

        ThreatEstimate.Of(sum, [], at - Duration.FromMinutes(1), Options).ShouldBeNull();
        ThreatEstimate.Of(sum, [], at, Options).ShouldNotBeNull();
        ThreatEstimate.Of(SiteThreatSums.Fold([Registered(History.Sites[1])], Options)[History.Sites[1]], [sum], at - Duration.FromMinutes(1), Options)
            .ShouldBeNull("a neighbour's later incident counts too");
    }

    private static BaseRegistered Registered(Guid site) =>
        new(site, "site", "Iraq", "region", 33.9333, 44.3667, Instant.FromUtc(2018, 1, 1, 0, 0));

    [Fact]
    public void floors_are_kept_as_the_site_keeps_them()
    {
        var site = History.Sites[0];
        var assessed = new ThreatAssessed(site, ThreatLevel.High, "intelligence", Instant.FromUtc(2021, 2, 1, 0, 0), Instant.FromUtc(2021, 3, 1, 0, 0));
        var sum = SiteThreatSums.Fold([Registered(site), assessed], Options)[site];

        sum.Floors.ShouldBe(ImmutableList.Create(new AnalystFloor(ThreatLevel.High, "intelligence", assessed.AssessedAt, assessed.ExpiresAt)));
        ThreatEstimate.Of(sum, [], Instant.FromUtc(2021, 2, 10, 0, 0), Options)!.Level(Options.Thresholds).ShouldBe(ThreatLevel.High);
        ThreatEstimate.Of(sum, [], Instant.FromUtc(2021, 3, 10, 0, 0), Options)!.Level(Options.Thresholds).ShouldBe(ThreatLevel.Low);
    }
}
