using NodaTime;
using Posture.Domain.Common;
using Posture.Domain.Contractors;

namespace Posture.Domain.Specs.Contractors;

public sealed class when_deploying_contractors : ContractorSpecs
{
    private static readonly Instant In2018 = Day(2018, 3, 1);

    private static DeployContractors Command(int count = 1850, Instant? at = null, Guid? site = null) =>
        new(Sallyport, site ?? Balad, count, at ?? In2018);

    [Fact]
    public void the_people_are_deployed_to_the_site() =>
        ThenEvents(ContractorDecider.Decide(Command(), Given(SallyportEngaged), Now, siteKnown: true), Deployed(1850, In2018));

    [Fact]
    public void deployed_people_are_counted_at_the_site_from_when_they_arrived()
    {
        var state = Given(SallyportEngaged, Deployed(1850, In2018));
        PeopleAt(state, Balad, In2018 - Duration.FromSeconds(1)).ShouldBe(0);
        PeopleAt(state, Balad, In2018).ShouldBe(1850);
        PeopleAt(state, Erbil, In2018).ShouldBe(0);
    }

    [Fact]
    public void a_deployment_reported_late_counts_from_when_it_happened()
    {
        var state = Given(SallyportEngaged, Deployed(10, Day(2019, 1, 1)), Deployed(5, Day(2018, 6, 1)));
        PeopleAt(state, Balad, Day(2018, 7, 1)).ShouldBe(5);
        PeopleAt(state, Balad, Day(2019, 1, 1)).ShouldBe(15);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void a_count_of_zero_or_below_is_refused(int count) =>
        ThenInvalid(ContractorDecider.Decide(Command(count: count), Given(SallyportEngaged), Now, siteKnown: true), "count");

    [Fact]
    public void a_count_above_the_limit_is_refused() =>
        ThenInvalid(ContractorDecider.Decide(Command(count: Limits.People + 1), Given(SallyportEngaged), Now, siteKnown: true), "count");

    [Fact]
    public void a_deployment_in_the_future_is_refused() =>
        ThenInvalid(
            ContractorDecider.Decide(Command(at: Now + Duration.FromSeconds(1)), Given(SallyportEngaged), Now, siteKnown: true), "at");

    [Fact]
    public void a_deployment_at_exactly_now_is_accepted() =>
        ContractorDecider.Decide(Command(at: Now), Given(SallyportEngaged), Now, siteKnown: true).IsAccepted.ShouldBeTrue();

    [Fact]
    public void a_deployment_for_an_unknown_contractor_is_not_found() =>
        ThenNotFound(ContractorDecider.Decide(Command(), Given(), Now, siteKnown: true), Sallyport);

    [Fact]
    public void a_deployment_to_an_unknown_site_is_not_found() =>
        ThenNotFound(
            ContractorDecider.Decide(Command(site: Unregistered), Given(SallyportEngaged), Now, siteKnown: false), Unregistered);

    [Fact]
    public void a_deployment_before_the_contractor_was_engaged_is_a_conflict() =>
        ThenConflict(
            ContractorDecider.Decide(Command(at: EngagedAt - Duration.FromDays(1)), Given(SallyportEngaged), Now, siteKnown: true),
            "engaged");

    [Fact]
    public void field_problems_are_named_before_the_contractor_is_looked_up() =>
        ThenInvalid(ContractorDecider.Decide(Command(count: -1), Given(), Now, siteKnown: false), "count");
}
