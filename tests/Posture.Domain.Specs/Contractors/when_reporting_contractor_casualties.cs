using NodaTime;
using Posture.Domain.Contractors;

namespace Posture.Domain.Specs.Contractors;

public sealed class when_reporting_contractor_casualties : ContractorSpecs
{
    /// <summary>The seed story's attack on Balad, Saturday 20 February 2021, about 20:30 local time.</summary>
    private static readonly Instant Attack = Instant.FromUtc(2021, 2, 20, 17, 30);

    private static readonly object[] FortySixAtBalad = [SallyportEngaged, Deployed(46, Day(2020, 6, 1))];

    private static ReportContractorCasualties Command(int killed = 0, int injured = 1, Instant? at = null, Guid? site = null) =>
        new(Sallyport, site ?? Balad, killed, injured, at ?? Attack);

    [Fact]
    public void the_casualties_are_reported() =>
        ThenEvents(
            ContractorDecider.Decide(Command(), Given(FortySixAtBalad), Now, siteKnown: true),
            new ContractorCasualtiesReported(Sallyport, Balad, 0, 1, Attack));

    [Fact]
    public void the_injured_are_still_counted_at_the_site() =>
        PeopleAt(Given([.. FortySixAtBalad, new ContractorCasualtiesReported(Sallyport, Balad, 0, 1, Attack)]), Balad, Attack).ShouldBe(46);

    [Fact]
    public void the_killed_are_no_longer_counted_at_the_site()
    {
        var state = Given([.. FortySixAtBalad, new ContractorCasualtiesReported(Sallyport, Balad, 2, 3, Attack)]);
        PeopleAt(state, Balad, Attack).ShouldBe(44);
        PeopleAt(state, Balad, Attack - Duration.FromSeconds(1)).ShouldBe(46);
    }

    [Fact]
    public void more_killed_than_are_at_the_site_is_a_conflict() =>
        ThenConflict(ContractorDecider.Decide(Command(killed: 47, injured: 0), Given(FortySixAtBalad), Now, siteKnown: true), "46");

    [Fact]
    public void more_killed_and_injured_than_are_at_the_site_is_a_conflict() =>
        ThenConflict(ContractorDecider.Decide(Command(killed: 6, injured: 41), Given(FortySixAtBalad), Now, siteKnown: true), "46");

    [Fact]
    public void killed_reported_late_may_not_leave_a_later_moment_below_zero()
    {
        // 46 there on the day of the attack, 45 evacuated the day after: reporting 2 killed in the attack would leave -1.
        var state = Given([.. FortySixAtBalad, Evacuated(45, Attack + Duration.FromDays(1))]);
        ThenConflict(ContractorDecider.Decide(Command(killed: 2, injured: 0), state, Attack + Duration.FromDays(2), siteKnown: true), "1");
    }

    [Fact]
    public void casualties_among_people_who_had_not_arrived_yet_are_a_conflict() =>
        ThenConflict(ContractorDecider.Decide(Command(at: Day(2020, 5, 1)), Given(FortySixAtBalad), Now, siteKnown: true), "0");

    [Fact]
    public void a_report_of_no_one_killed_and_no_one_injured_is_refused() =>
        ThenInvalid(ContractorDecider.Decide(Command(killed: 0, injured: 0), Given(FortySixAtBalad), Now, siteKnown: true), "killed", "injured");

    [Fact]
    public void negative_casualties_are_refused() =>
        ThenInvalid(ContractorDecider.Decide(Command(killed: -1, injured: -2), Given(FortySixAtBalad), Now, siteKnown: true), "killed", "injured");

    [Fact]
    public void a_report_in_the_future_is_refused() =>
        ThenInvalid(ContractorDecider.Decide(Command(at: Now + Duration.FromSeconds(1)), Given(FortySixAtBalad), Now, siteKnown: true), "at");

    [Fact]
    public void a_report_for_an_unknown_contractor_is_not_found() =>
        ThenNotFound(ContractorDecider.Decide(Command(), Given(), Now, siteKnown: true), Sallyport);

    [Fact]
    public void a_report_from_an_unknown_site_is_not_found() =>
        ThenNotFound(ContractorDecider.Decide(Command(site: Unregistered), Given(FortySixAtBalad), Now, siteKnown: false), Unregistered);
}
