using NodaTime;
using Posture.Domain.Common;
using Posture.Domain.Contractors;

namespace Posture.Domain.Specs.Contractors;

public sealed class when_evacuating_contractors : ContractorSpecs
{
    private static readonly Instant In2018 = Day(2018, 3, 1);

    /// <summary>Early January 2020: most foreign personnel left Balad.</summary>
    private static readonly Instant January2020 = Day(2020, 1, 5);

    private static readonly object[] FiftyAtBalad = [SallyportEngaged, Deployed(50, In2018)];

    private static EvacuateContractors Command(
        int count = 50, Instant? at = null, Guid? site = null, string? destination = "Erbil", string reason = "rocket attacks on the base") =>
        new(Sallyport, site ?? Balad, count, destination, reason, at ?? January2020);

    [Fact]
    public void the_people_are_evacuated_from_the_site() =>
        ThenEvents(ContractorDecider.Decide(Command(count: 30), Given(FiftyAtBalad), Now, siteKnown: true), Evacuated(30, January2020));

    [Fact]
    public void evacuated_people_leave_the_count_at_the_site_and_are_remembered_as_away()
    {
        var state = Given([.. FiftyAtBalad, Evacuated(30, January2020)]);
        PeopleAt(state, Balad, January2020).ShouldBe(20);
        state!.EvacuatedFrom(Balad).At(January2020).ShouldBe(30);
        PeopleAt(state, Balad, In2018).ShouldBe(50);
    }

    [Fact]
    public void everyone_at_the_site_can_be_evacuated() =>
        ContractorDecider.Decide(Command(count: 50), Given(FiftyAtBalad), Now, siteKnown: true).IsAccepted.ShouldBeTrue();

    [Fact]
    public void evacuating_more_than_are_at_the_site_is_a_conflict() =>
        ThenConflict(ContractorDecider.Decide(Command(count: 51), Given(FiftyAtBalad), Now, siteKnown: true), "Sallyport", "50");

    [Fact]
    public void evacuating_from_a_site_where_the_contractor_has_no_one_is_a_conflict() =>
        ThenConflict(
            ContractorDecider.Decide(Command(count: 1, site: Erbil), Given(FiftyAtBalad), Now, siteKnown: true), "0", Erbil.ToString());

    [Fact]
    public void evacuating_before_the_people_arrived_is_a_conflict() =>
        ThenConflict(ContractorDecider.Decide(Command(at: In2018 - Duration.FromDays(1)), Given(FiftyAtBalad), Now, siteKnown: true));

    [Fact]
    public void an_evacuation_reported_late_may_not_leave_a_later_moment_below_zero()
    {
        // 50 arrived in 2018 and 45 left in March 2020; a late report that 10 left in January 2020 would leave -5 in March.
        var history = Given([.. FiftyAtBalad, Evacuated(45, Day(2020, 3, 1))]);
        ThenConflict(ContractorDecider.Decide(Command(count: 10), history, Now, siteKnown: true), "5");
        ContractorDecider.Decide(Command(count: 5), history, Now, siteKnown: true).IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public void a_missing_destination_is_recorded_as_absent() =>
        ContractorDecider.Decide(Command(destination: "  "), Given(FiftyAtBalad), Now, siteKnown: true)
            .Events.OfType<ContractorsEvacuated>().Single().Destination.ShouldBeNull();

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void an_evacuation_without_a_reason_is_refused(string reason) =>
        ThenInvalid(ContractorDecider.Decide(Command(reason: reason), Given(FiftyAtBalad), Now, siteKnown: true), "reason");

    [Fact]
    public void a_destination_longer_than_the_limit_is_refused() =>
        ThenInvalid(
            ContractorDecider.Decide(Command(destination: new string('d', Limits.ShortText + 1)), Given(FiftyAtBalad), Now, siteKnown: true),
            "destination");

    [Theory]
    [InlineData(0)]
    [InlineData(-50)]
    public void a_count_of_zero_or_below_is_refused(int count) =>
        ThenInvalid(ContractorDecider.Decide(Command(count: count), Given(FiftyAtBalad), Now, siteKnown: true), "count");

    [Fact]
    public void an_evacuation_in_the_future_is_refused() =>
        ThenInvalid(ContractorDecider.Decide(Command(at: Now + Duration.FromHours(1)), Given(FiftyAtBalad), Now, siteKnown: true), "at");

    [Fact]
    public void an_evacuation_for_an_unknown_contractor_is_not_found() =>
        ThenNotFound(ContractorDecider.Decide(Command(), Given(), Now, siteKnown: true), Sallyport);

    [Fact]
    public void an_evacuation_from_an_unknown_site_is_not_found() =>
        ThenNotFound(ContractorDecider.Decide(Command(site: Unregistered), Given(FiftyAtBalad), Now, siteKnown: false), Unregistered);
}
