using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Common;
using Posture.Domain.Threats;

namespace Posture.Domain.Specs.Bases;

/// <summary>What people decide about a base: an analyst's floor under the threat level, a commander's FPCON.</summary>
public sealed class when_assessing_threat_or_setting_fpcon : BaseSpecs
{
    private static readonly Instant InAWeek = Now + Duration.FromDays(7);

    [Fact]
    public void an_assessment_is_recorded_with_when_and_until() =>
        ThenEvents(
            BaseDecider.Decide(new AssessThreat(Balad, ThreatLevel.High, "Second attack in a week on bases with US contractors", InAWeek),
                Given(BaladRegistered), Now),
            new ThreatAssessed(Balad, ThreatLevel.High, "Second attack in a week on bases with US contractors", Now, InAWeek));

    [Fact]
    public void an_assessment_that_has_already_expired_is_refused() =>
        ThenInvalid(BaseDecider.Decide(new AssessThreat(Balad, ThreatLevel.High, "x", Now), Given(BaladRegistered), Now), "expiresAt");

    [Fact]
    public void an_assessment_needs_a_known_level_and_a_reason() =>
        ThenInvalid(BaseDecider.Decide(new AssessThreat(Balad, (ThreatLevel)9, "", InAWeek), Given(BaladRegistered), Now), "level", "reason");

    [Fact]
    public void an_assessment_of_an_unknown_base_is_not_found() =>
        ThenRefused(BaseDecider.Decide(new AssessThreat(Balad, ThreatLevel.High, "x", InAWeek), Given(), Now), RejectionKind.NotFound);

    [Fact]
    public void a_force_protection_condition_is_recorded_and_held() 
    {
        var decision = BaseDecider.Decide(new SetForceProtectionCondition(Balad, ForceProtectionCondition.Charlie, "Rockets on the base"), Given(BaladRegistered), Now);
        ThenEvents(decision, new ForceProtectionConditionSet(Balad, ForceProtectionCondition.Charlie, "Rockets on the base", Now));
        Given([BaladRegistered, .. decision.Events])!.Fpcon.ShouldBe(ForceProtectionCondition.Charlie);
    }

    [Fact]
    public void a_new_base_starts_at_normal() => Given(BaladRegistered)!.Fpcon.ShouldBe(ForceProtectionCondition.Normal);

    [Fact]
    public void a_condition_needs_a_known_value_and_a_reason() =>
        ThenInvalid(BaseDecider.Decide(new SetForceProtectionCondition(Balad, (ForceProtectionCondition)5, ""), Given(BaladRegistered), Now),
            "condition", "reason");

    [Fact]
    public void a_condition_for_an_unknown_base_is_not_found() =>
        ThenRefused(BaseDecider.Decide(new SetForceProtectionCondition(Balad, ForceProtectionCondition.Bravo, "x"), Given(), Now), RejectionKind.NotFound);
}
