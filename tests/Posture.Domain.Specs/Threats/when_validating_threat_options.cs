using NodaTime;
using Posture.Domain.Threats;

namespace Posture.Domain.Specs.Threats;

/// <summary>Options bound from configuration are checked before use; every problem is named at once.</summary>
public sealed class when_validating_threat_options
{
    private static IEnumerable<string> ProblemsOf(ThreatOptions options) => options.Validate().Select(p => p.Field);

    [Fact]
    public void the_defaults_are_valid() => ThreatOptions.Default.Validate().ShouldBeEmpty();

    [Theory]
    [InlineData(0)]
    [InlineData(-30)]
    public void a_half_life_that_is_not_positive_is_refused(int days) =>
        ProblemsOf(ThreatOptions.Default with { HalfLife = Duration.FromDays(days) }).ShouldBe(["halfLife"]);

    [Fact]
    public void thresholds_that_do_not_rise_are_refused()
    {
        var options = ThreatOptions.Default with { Thresholds = new LevelThresholds { Significant = 6, High = 6 } };
        ProblemsOf(options).ShouldBe(["thresholds"]);
    }

    [Fact]
    public void thresholds_out_of_order_are_refused()
    {
        var options = ThreatOptions.Default with { Thresholds = new LevelThresholds { Critical = 3 } };
        ProblemsOf(options).ShouldBe(["thresholds"]);
    }

    [Fact]
    public void a_moderate_threshold_of_zero_is_refused_since_an_empty_history_would_not_be_low() =>
        ProblemsOf(ThreatOptions.Default with { Thresholds = new LevelThresholds { Moderate = 0 } }).ShouldBe(["thresholds.moderate"]);

    [Fact]
    public void negative_weights_are_refused_and_named()
    {
        var options = ThreatOptions.Default with
        {
            RoundsWeight = -0.5,
            KindWeights = new KindWeights { Drone = -1 },
            CasualtyWeights = new CasualtyWeights { Death = -3 },
        };
        ProblemsOf(options).ShouldBe(["roundsWeight", "kindWeights.drone", "casualtyWeights.death"], ignoreOrder: true);
    }

    [Fact]
    public void a_weight_that_is_not_a_number_is_refused() =>
        ProblemsOf(ThreatOptions.Default with { KindWeights = new KindWeights { Ied = double.NaN } }).ShouldBe(["kindWeights.ied"]);

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void a_nearby_weight_outside_zero_to_one_is_refused(double weight) =>
        ProblemsOf(ThreatOptions.Default with { NearbyWeight = weight }).ShouldBe(["nearbyWeight"]);

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void a_nearby_weight_of_zero_or_one_is_allowed(double weight) =>
        (ThreatOptions.Default with { NearbyWeight = weight }).Validate().ShouldBeEmpty();

    [Fact]
    public void a_negative_radius_is_refused() =>
        ProblemsOf(ThreatOptions.Default with { NearbyRadiusKm = -1 }).ShouldBe(["nearbyRadiusKm"]);

    [Fact]
    public void impact_multipliers_that_fall_towards_people_are_refused() =>
        ProblemsOf(ThreatOptions.Default with { ImpactMultipliers = new ImpactMultipliers { Inside = 5 } }).ShouldBe(["impactMultipliers"]);

    [Fact]
    public void an_unconfirmed_report_weighing_more_than_a_confirmed_one_is_refused() =>
        ProblemsOf(ThreatOptions.Default with { ConfidenceWeights = new ConfidenceWeights { Unconfirmed = 1.2 } }).ShouldBe(["confidenceWeights"]);

    [Fact]
    public void every_problem_is_named_at_once() =>
        ProblemsOf(ThreatOptions.Default with { HalfLife = Duration.Zero, NearbyWeight = 2, Thresholds = new LevelThresholds { High = 1 } })
            .ShouldBe(["halfLife", "nearbyWeight", "thresholds"], ignoreOrder: true);
}
