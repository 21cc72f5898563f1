using NodaTime;
using Posture.Domain.Contractors;

namespace Posture.Domain.Specs.Contractors;

public sealed class when_returning_contractors : ContractorSpecs
{
    private static readonly Instant January2020 = Day(2020, 1, 5);
    private static readonly Instant June2020 = Day(2020, 6, 1);

    /// <summary>Illustrative split: 50 at Balad in 2018, 30 evacuated in January 2020.</summary>
    private static readonly object[] ThirtyAway = [SallyportEngaged, Deployed(50, Day(2018, 3, 1)), Evacuated(30, January2020)];

    private static ReturnContractors Command(int count = 26, Instant? at = null, Guid? site = null) =>
        new(Sallyport, site ?? Balad, count, at ?? June2020);

    [Fact]
    public void the_people_come_back_to_the_site_they_left() =>
        ThenEvents(
            ContractorDecider.Decide(Command(), Given(ThirtyAway), Now, siteKnown: true),
            new ContractorsReturned(Sallyport, Balad, 26, June2020));

    [Fact]
    public void returned_people_are_counted_again_and_no_longer_away()
    {
        var state = Given([.. ThirtyAway, new ContractorsReturned(Sallyport, Balad, 26, June2020)]);
        PeopleAt(state, Balad, June2020).ShouldBe(46);
        state!.EvacuatedFrom(Balad).At(June2020).ShouldBe(4);
    }

    [Fact]
    public void returning_more_than_were_evacuated_from_the_site_is_a_conflict() =>
        ThenConflict(ContractorDecider.Decide(Command(count: 31), Given(ThirtyAway), Now, siteKnown: true), "30");

    [Fact]
    public void returning_to_a_site_no_one_was_evacuated_from_is_a_conflict() =>
        ThenConflict(ContractorDecider.Decide(Command(count: 1, site: Erbil), Given(ThirtyAway), Now, siteKnown: true), Erbil.ToString());

    [Fact]
    public void returning_before_the_evacuation_is_a_conflict() =>
        ThenConflict(ContractorDecider.Decide(Command(at: January2020 - Duration.FromDays(1)), Given(ThirtyAway), Now, siteKnown: true));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void a_count_of_zero_or_below_is_refused(int count) =>
        ThenInvalid(ContractorDecider.Decide(Command(count: count), Given(ThirtyAway), Now, siteKnown: true), "count");

    [Fact]
    public void a_return_in_the_future_is_refused() =>
        ThenInvalid(ContractorDecider.Decide(Command(at: Now + Duration.FromDays(1)), Given(ThirtyAway), Now, siteKnown: true), "at");

    [Fact]
    public void a_return_for_an_unknown_contractor_is_not_found() =>
        ThenNotFound(ContractorDecider.Decide(Command(), Given(), Now, siteKnown: true), Sallyport);

    [Fact]
    public void a_return_to_an_unknown_site_is_not_found() =>
        ThenNotFound(ContractorDecider.Decide(Command(site: Unregistered), Given(ThirtyAway), Now, siteKnown: false), Unregistered);
}
