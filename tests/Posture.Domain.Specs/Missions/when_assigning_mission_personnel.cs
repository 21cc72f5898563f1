using NodaTime;
using Posture.Domain.Missions;

namespace Posture.Domain.Specs.Missions;

public sealed class when_assigning_mission_personnel : MissionSpecs
{
    private static readonly Instant In2019 = Day(2019, 1, 1);

    private static AssignMissionPersonnel Command(int count = 300, Instant? at = null, Guid? site = null) =>
        new(NatoMissionIraq, site ?? BaghdadHq, count, at ?? In2019);

    [Fact]
    public void the_personnel_are_assigned_to_the_site() =>
        ThenEvents(MissionDecider.Decide(Command(), Given(Launched), Now, siteKnown: true), Assigned(300, In2019));

    [Fact]
    public void assigned_personnel_are_counted_at_the_site_and_fill_the_strength()
    {
        var state = Given(Launched, Assigned(300, In2019));
        AssignedAt(state, BaghdadHq, In2019).ShouldBe(300);
        state!.Unassigned.At(In2019).ShouldBe(200);
    }

    [Fact]
    public void personnel_may_be_assigned_up_to_exactly_the_authorised_strength() =>
        MissionDecider.Decide(Command(count: 200, site: Erbil), Given(Launched, Assigned(300, In2019)), Now, siteKnown: true)
            .IsAccepted.ShouldBeTrue();

    [Fact]
    public void personnel_may_be_assigned_to_a_site_beyond_the_first_locations() =>
        MissionDecider.Decide(Command(site: Balad), Given(Launched), Now, siteKnown: true).IsAccepted.ShouldBeTrue();

    [Fact]
    public void assigning_more_than_the_authorised_strength_across_all_sites_is_a_conflict() =>
        ThenConflict(
            MissionDecider.Decide(Command(count: 201, site: Erbil), Given(Launched, Assigned(300, In2019)), Now, siteKnown: true), "200", "201");

    [Fact]
    public void after_the_expansion_more_personnel_fit() =>
        MissionDecider.Decide(Command(count: 3500, at: ExpandedAt), Given(Launched, Assigned(500, In2019), Expanded), Now, siteKnown: true)
            .IsAccepted.ShouldBeTrue();

    [Fact]
    public void personnel_for_the_expansion_cannot_be_assigned_before_it() =>
        ThenConflict(
            MissionDecider.Decide(
                Command(count: 1000, at: ExpandedAt - Duration.FromDays(1)), Given(Launched, Expanded), Now, siteKnown: true), "500");

    [Fact]
    public void an_assignment_reported_late_may_not_overfill_a_later_moment()
    {
        // 500 assigned in March 2019 fill the mission; a late report of 100 assigned in January 2019 would make 600.
        var history = Given(Launched, Assigned(500, Day(2019, 3, 1)));
        ThenConflict(MissionDecider.Decide(Command(count: 100), history, Now, siteKnown: true), "0");
    }

    [Fact]
    public void an_assignment_before_the_launch_is_a_conflict() =>
        ThenConflict(MissionDecider.Decide(Command(at: LaunchedAt - Duration.FromDays(1)), Given(Launched), Now, siteKnown: true), "launched");

    [Theory]
    [InlineData(0)]
    [InlineData(-10)]
    public void a_count_of_zero_or_below_is_refused(int count) =>
        ThenInvalid(MissionDecider.Decide(Command(count: count), Given(Launched), Now, siteKnown: true), "count");

    [Fact]
    public void an_assignment_in_the_future_is_refused() =>
        ThenInvalid(MissionDecider.Decide(Command(at: Now + Duration.FromMinutes(5)), Given(Launched), Now, siteKnown: true), "at");

    [Fact]
    public void an_assignment_for_an_unknown_mission_is_not_found() =>
        ThenNotFound(MissionDecider.Decide(Command(), Given(), Now, siteKnown: true), NatoMissionIraq);

    [Fact]
    public void an_assignment_to_an_unknown_site_is_not_found() =>
        ThenNotFound(MissionDecider.Decide(Command(site: Unregistered), Given(Launched), Now, siteKnown: false), Unregistered);
}
