using NodaTime;
using Posture.Domain.Missions;

namespace Posture.Domain.Specs.Missions;

public sealed class when_withdrawing_mission_personnel : MissionSpecs
{
    private static readonly Instant In2019 = Day(2019, 1, 1);

    /// <summary>NATO suspended its Iraq training after 3 January 2020; the count is illustrative.</summary>
    private static readonly Instant January2020 = Day(2020, 1, 4);

    private static readonly object[] FourHundredInBaghdad = [Launched, Assigned(400, In2019)];

    private static WithdrawMissionPersonnel Command(int count = 350, Instant? at = null, Guid? site = null) =>
        new(NatoMissionIraq, site ?? BaghdadHq, count, at ?? January2020);

    [Fact]
    public void the_personnel_leave_the_site() =>
        ThenEvents(MissionDecider.Decide(Command(), Given(FourHundredInBaghdad), Now, siteKnown: true), Withdrawn(350, January2020));

    [Fact]
    public void withdrawn_personnel_leave_the_count_and_free_their_places()
    {
        var state = Given([.. FourHundredInBaghdad, Withdrawn(350, January2020)]);
        AssignedAt(state, BaghdadHq, January2020).ShouldBe(50);
        state!.Unassigned.At(January2020).ShouldBe(450);
    }

    [Fact]
    public void everyone_at_the_site_may_be_withdrawn() =>
        MissionDecider.Decide(Command(count: 400), Given(FourHundredInBaghdad), Now, siteKnown: true).IsAccepted.ShouldBeTrue();

    [Fact]
    public void withdrawing_more_than_are_at_the_site_is_a_conflict() =>
        ThenConflict(MissionDecider.Decide(Command(count: 401), Given(FourHundredInBaghdad), Now, siteKnown: true), "400", "401");

    [Fact]
    public void withdrawing_from_a_site_the_mission_has_no_one_at_is_a_conflict() =>
        ThenConflict(MissionDecider.Decide(Command(count: 1, site: Erbil), Given(FourHundredInBaghdad), Now, siteKnown: true), Erbil.ToString());

    [Fact]
    public void withdrawing_before_the_personnel_arrived_is_a_conflict() =>
        ThenConflict(MissionDecider.Decide(Command(at: In2019 - Duration.FromDays(1)), Given(FourHundredInBaghdad), Now, siteKnown: true));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void a_count_of_zero_or_below_is_refused(int count) =>
        ThenInvalid(MissionDecider.Decide(Command(count: count), Given(FourHundredInBaghdad), Now, siteKnown: true), "count");

    [Fact]
    public void a_withdrawal_in_the_future_is_refused() =>
        ThenInvalid(MissionDecider.Decide(Command(at: Now + Duration.FromDays(1)), Given(FourHundredInBaghdad), Now, siteKnown: true), "at");

    [Fact]
    public void a_withdrawal_for_an_unknown_mission_is_not_found() =>
        ThenNotFound(MissionDecider.Decide(Command(), Given(), Now, siteKnown: true), NatoMissionIraq);

    [Fact]
    public void a_withdrawal_from_an_unknown_site_is_not_found() =>
        ThenNotFound(MissionDecider.Decide(Command(site: Unregistered), Given(FourHundredInBaghdad), Now, siteKnown: false), Unregistered);
}
