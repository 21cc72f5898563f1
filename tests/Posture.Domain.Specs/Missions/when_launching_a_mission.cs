using NodaTime;
using Posture.Domain.Common;
using Posture.Domain.Missions;

namespace Posture.Domain.Specs.Missions;

public sealed class when_launching_a_mission : MissionSpecs
{
    private static LaunchMission Command(
        string name = "NATO Mission Iraq", int strength = 500, Guid[]? locations = null, Instant? launchedAt = null) =>
        new(NatoMissionIraq, name, strength, locations ?? [BaghdadHq], launchedAt ?? LaunchedAt);

    private static MissionLaunched ThenLaunched(Decision decision)
    {
        decision.Rejection.ShouldBeNull();
        return decision.Events.ShouldHaveSingleItem().ShouldBeOfType<MissionLaunched>();
    }

    [Fact]
    public void the_mission_is_launched_with_its_strength_and_locations()
    {
        var launched = ThenLaunched(MissionDecider.Decide(Command(), Given(), Now, Registered));
        launched.ShouldBe(Launched with { Locations = launched.Locations });
        launched.Locations.ShouldBe([BaghdadHq]);
    }

    [Fact]
    public void the_mission_starts_with_its_whole_strength_unfilled()
    {
        var state = Given(Launched).ShouldNotBeNull();
        state.AuthorisedStrength.ShouldBe(500);
        state.Unassigned.At(LaunchedAt).ShouldBe(500);
        state.Unassigned.At(LaunchedAt - Duration.FromSeconds(1)).ShouldBe(0);
    }

    [Fact]
    public void a_location_named_twice_is_recorded_once() =>
        ThenLaunched(MissionDecider.Decide(Command(locations: [BaghdadHq, Erbil, BaghdadHq]), Given(), Now, Registered))
            .Locations.ShouldBe([BaghdadHq, Erbil]);

    [Fact]
    public void the_name_is_recorded_without_surrounding_whitespace() =>
        ThenLaunched(MissionDecider.Decide(Command(name: "  NATO Mission Iraq "), Given(), Now, Registered)).Name.ShouldBe("NATO Mission Iraq");

    [Theory]
    [InlineData(0)]
    [InlineData(-500)]
    public void an_authorised_strength_of_zero_or_below_is_refused(int strength) =>
        ThenInvalid(MissionDecider.Decide(Command(strength: strength), Given(), Now, Registered), "authorisedStrength");

    [Fact]
    public void a_mission_without_locations_is_refused() =>
        ThenInvalid(MissionDecider.Decide(Command(locations: []), Given(), Now, Registered), "locations");

    [Fact]
    public void a_launch_in_the_future_is_refused() =>
        ThenInvalid(MissionDecider.Decide(Command(launchedAt: Now + Duration.FromDays(1)), Given(), Now, Registered), "launchedAt");

    [Fact]
    public void every_bad_field_is_named_at_once() =>
        ThenInvalid(
            MissionDecider.Decide(new LaunchMission(Guid.Empty, " ", 0, null!, Now + Duration.FromDays(1)), Given(), Now, Registered),
            "id", "name", "authorisedStrength", "locations", "launchedAt");

    [Fact]
    public void a_name_longer_than_the_limit_is_refused() =>
        ThenInvalid(MissionDecider.Decide(Command(name: new string('n', Limits.ShortText + 1)), Given(), Now, Registered), "name");

    [Fact]
    public void launching_the_same_mission_twice_is_a_conflict() =>
        ThenConflict(MissionDecider.Decide(Command(), Given(Launched), Now, Registered), "already launched", "NATO Mission Iraq");

    [Fact]
    public void a_launch_at_an_unknown_site_is_not_found_and_names_it() =>
        ThenNotFound(MissionDecider.Decide(Command(locations: [BaghdadHq, Unregistered]), Given(), Now, Registered), Unregistered);
}
