using Posture.Domain.Bases;
using Posture.Domain.Threats;

namespace Posture.Domain.Specs.Threats;

/// <summary>The score maps onto five levels through four thresholds; a score exactly at a threshold is the higher level.</summary>
public sealed class when_mapping_scores_to_levels : ThreatSpecs
{
    [Theory]
    [InlineData(0.0, ThreatLevel.Low)]
    [InlineData(0.999, ThreatLevel.Low)]
    [InlineData(1.0, ThreatLevel.Moderate)]
    [InlineData(1.999, ThreatLevel.Moderate)]
    [InlineData(2.0, ThreatLevel.Significant)]
    [InlineData(5.999, ThreatLevel.Significant)]
    [InlineData(6.0, ThreatLevel.High)]
    [InlineData(14.999, ThreatLevel.High)]
    [InlineData(15.0, ThreatLevel.Critical)]
    [InlineData(1000.0, ThreatLevel.Critical)]
    public void each_threshold_begins_its_level(double score, ThreatLevel level) =>
        Options.Thresholds.LevelFor(score).ShouldBe(level);

    [Theory]
    [InlineData(ThreatLevel.Low, ForceProtectionCondition.Normal)]
    [InlineData(ThreatLevel.Moderate, ForceProtectionCondition.Alpha)]
    [InlineData(ThreatLevel.Significant, ForceProtectionCondition.Bravo)]
    [InlineData(ThreatLevel.High, ForceProtectionCondition.Charlie)]
    [InlineData(ThreatLevel.Critical, ForceProtectionCondition.Delta)]
    public void each_level_recommends_its_force_protection_condition(ThreatLevel level, ForceProtectionCondition fpcon) =>
        level.RecommendedFpcon().ShouldBe(fpcon);

    [Theory]
    [InlineData(1.0, ThreatLevel.Moderate)]
    [InlineData(2.0, ThreatLevel.Significant)]
    [InlineData(6.0, ThreatLevel.High)]
    [InlineData(15.0, ThreatLevel.Critical)]
    public void an_assessment_exactly_at_a_threshold_reaches_its_level(double threshold, ThreatLevel level)
    {
        // An incident with no casualties and no rounds counted has severity 1 with the defaults: the incident weight
        // scaled to the threshold lands the score on it exactly.
        var options = Options with { CasualtyWeights = new CasualtyWeights { Incident = threshold } };
        var inputs = Given(BaladRegistered, new RocketAttackOccurred(Balad, Guid.NewGuid(), Report(Saturday, rounds: 0, injured: 0)));
        var assessment = Assess(Balad, inputs, Saturday, options);
        assessment.Score.ShouldBe(threshold);
        assessment.Level.ShouldBe(level);
        assessment.RecommendedFpcon.ShouldBe(level.RecommendedFpcon());
    }

    [Fact]
    public void other_thresholds_give_other_levels()
    {
        var stricter = new LevelThresholds { Moderate = 0.5, Significant = 1, High = 2, Critical = 2.5 };
        stricter.LevelFor(2.66).ShouldBe(ThreatLevel.Critical);
        Options.Thresholds.LevelFor(2.66).ShouldBe(ThreatLevel.Significant);
    }
}
