using NodaTime;
using Posture.Domain.Missions;

namespace Posture.Domain.Specs.Missions;

public sealed class when_expanding_a_mission : MissionSpecs
{
    private static ExpandMission Command(int from = 500, int to = 4000, Instant? at = null) => new(NatoMissionIraq, from, to, at ?? ExpandedAt);

    [Fact]
    public void the_strength_grows_from_500_to_4000() =>
        ThenEvents(MissionDecider.Decide(Command(), Given(Launched), Now), Expanded);

    [Fact]
    public void the_new_strength_is_in_force_from_the_expansion_on()
    {
        var state = Given(Launched, Expanded).ShouldNotBeNull();
        state.AuthorisedStrength.ShouldBe(4000);
        state.Unassigned.At(ExpandedAt - Duration.FromSeconds(1)).ShouldBe(500);
        state.Unassigned.At(ExpandedAt).ShouldBe(4000);
    }

    [Fact]
    public void expanding_from_a_strength_that_is_not_the_current_one_is_a_conflict() =>
        ThenConflict(MissionDecider.Decide(Command(from: 400, to: 4000), Given(Launched), Now), "500", "not 400");

    [Theory]
    [InlineData(500)]
    [InlineData(300)]
    public void an_expansion_that_does_not_grow_is_refused(int to) =>
        ThenInvalid(MissionDecider.Decide(Command(to: to), Given(Launched), Now), "to");

    [Fact]
    public void an_expansion_before_the_last_change_of_strength_is_a_conflict() =>
        ThenConflict(
            MissionDecider.Decide(Command(from: 4000, to: 5000, at: ExpandedAt - Duration.FromDays(1)), Given(Launched, Expanded), Now),
            "last changed");

    [Fact]
    public void an_expansion_before_the_launch_is_a_conflict() =>
        ThenConflict(MissionDecider.Decide(Command(at: LaunchedAt - Duration.FromDays(1)), Given(Launched), Now), "last changed");

    [Fact]
    public void an_expansion_in_the_future_is_refused() =>
        ThenInvalid(MissionDecider.Decide(Command(at: Now + Duration.FromDays(1)), Given(Launched), Now), "at");

    [Fact]
    public void an_expansion_of_an_unknown_mission_is_not_found() =>
        ThenNotFound(MissionDecider.Decide(Command(), Given(), Now), NatoMissionIraq);
}
