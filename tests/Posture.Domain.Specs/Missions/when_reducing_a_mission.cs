using NodaTime;
using Posture.Domain.Missions;

namespace Posture.Domain.Specs.Missions;

public sealed class when_reducing_a_mission : MissionSpecs
{
    private static readonly Instant ReducedAt = Day(2021, 2, 20);

    /// <summary>Illustrative: 500 assigned in Baghdad since 2019, then the expansion to 4,000.</summary>
    private static readonly object[] FiveHundredInBaghdad = [Launched, Assigned(500, Day(2019, 1, 1)), Expanded];

    private static ReduceMission Command(int from = 4000, int to = 1000, Instant? at = null) => new(NatoMissionIraq, from, to, at ?? ReducedAt);

    [Fact]
    public void the_strength_shrinks() =>
        ThenEvents(
            MissionDecider.Decide(Command(), Given(FiveHundredInBaghdad), Now),
            new MissionReduced(NatoMissionIraq, 4000, 1000, ReducedAt));

    [Fact]
    public void the_strength_may_shrink_to_exactly_the_people_assigned() =>
        MissionDecider.Decide(Command(to: 500), Given(FiveHundredInBaghdad), Now).IsAccepted.ShouldBeTrue();

    [Fact]
    public void the_strength_may_shrink_to_zero_when_no_one_is_assigned() =>
        MissionDecider.Decide(Command(from: 500, to: 0), Given(Launched), Now).IsAccepted.ShouldBeTrue();

    [Fact]
    public void reducing_below_the_people_assigned_is_a_conflict() =>
        ThenConflict(MissionDecider.Decide(Command(to: 499), Given(FiveHundredInBaghdad), Now), "500", "499");

    [Fact]
    public void reducing_below_the_people_assigned_at_a_later_moment_is_a_conflict()
    {
        // 600 more are assigned on 20 February; reducing to 1000 from the 19th would leave 1100 on a strength of 1000.
        var history = Given([.. FiveHundredInBaghdad, Assigned(600, ReducedAt, Erbil)]);
        ThenConflict(MissionDecider.Decide(Command(at: ReducedAt - Duration.FromDays(1)), history, Now), "1100");
    }

    [Fact]
    public void reducing_from_a_strength_that_is_not_the_current_one_is_a_conflict() =>
        ThenConflict(MissionDecider.Decide(Command(from: 500, to: 100), Given(FiveHundredInBaghdad), Now), "4000", "not 500");

    [Theory]
    [InlineData(4000)]
    [InlineData(4500)]
    public void a_reduction_that_does_not_shrink_is_refused(int to) =>
        ThenInvalid(MissionDecider.Decide(Command(to: to), Given(FiveHundredInBaghdad), Now), "to");

    [Fact]
    public void a_reduction_below_zero_is_refused() =>
        ThenInvalid(MissionDecider.Decide(Command(to: -1), Given(FiveHundredInBaghdad), Now), "to");

    [Fact]
    public void a_reduction_before_the_last_change_of_strength_is_a_conflict() =>
        ThenConflict(MissionDecider.Decide(Command(at: ExpandedAt - Duration.FromHours(1)), Given(FiveHundredInBaghdad), Now), "last changed");

    [Fact]
    public void a_reduction_in_the_future_is_refused() =>
        ThenInvalid(MissionDecider.Decide(Command(at: Now + Duration.FromDays(1)), Given(FiveHundredInBaghdad), Now), "at");

    [Fact]
    public void a_reduction_of_an_unknown_mission_is_not_found() =>
        ThenNotFound(MissionDecider.Decide(Command(), Given(), Now), NatoMissionIraq);
}
