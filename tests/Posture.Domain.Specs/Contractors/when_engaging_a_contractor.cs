using NodaTime;
using Posture.Domain.Common;
using Posture.Domain.Contractors;

namespace Posture.Domain.Specs.Contractors;

public sealed class when_engaging_a_contractor : ContractorSpecs
{
    private static EngageContractor Command(string company = "Sallyport", string programme = "Iraqi F-16 programme", Instant? engagedAt = null) =>
        new(Sallyport, company, programme, engagedAt ?? EngagedAt);

    [Fact]
    public void the_company_is_engaged_for_its_programme() =>
        ThenEvents(ContractorDecider.Decide(Command(), Given(), Now), SallyportEngaged);

    [Fact]
    public void surrounding_whitespace_is_not_recorded()
    {
        var decision = ContractorDecider.Decide(Command(company: " Sallyport ", programme: "\tIraqi F-16 programme "), Given(), Now);
        var engaged = decision.Events.OfType<ContractorEngaged>().Single();
        engaged.Company.ShouldBe("Sallyport");
        engaged.Programme.ShouldBe("Iraqi F-16 programme");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void an_empty_company_is_refused(string company) =>
        ThenInvalid(ContractorDecider.Decide(Command(company: company), Given(), Now), "company");

    [Fact]
    public void a_programme_longer_than_the_limit_is_refused() =>
        ThenInvalid(ContractorDecider.Decide(Command(programme: new string('p', Limits.ShortText + 1)), Given(), Now), "programme");

    [Fact]
    public void an_engagement_in_the_future_is_refused() =>
        ThenInvalid(ContractorDecider.Decide(Command(engagedAt: Now + Duration.FromMinutes(1)), Given(), Now), "engagedAt");

    [Fact]
    public void an_engagement_at_exactly_now_is_accepted() =>
        ContractorDecider.Decide(Command(engagedAt: Now), Given(), Now).IsAccepted.ShouldBeTrue();

    [Fact]
    public void an_engagement_without_a_date_begins_when_it_is_decided() =>
        ContractorDecider.Decide(new EngageContractor(Sallyport, "Sallyport", "Iraqi F-16 programme", null), Given(), Now)
            .Events.OfType<ContractorEngaged>().Single().EngagedAt.ShouldBe(Now);

    [Fact]
    public void every_bad_field_is_named_at_once() =>
        ThenInvalid(
            ContractorDecider.Decide(new EngageContractor(Guid.Empty, "", " ", Now + Duration.FromDays(1)), Given(), Now),
            "id", "company", "programme", "engagedAt");

    [Fact]
    public void engaging_the_same_contractor_twice_is_a_conflict() =>
        ThenConflict(ContractorDecider.Decide(Command(), Given(SallyportEngaged), Now), "already engaged", "Sallyport");
}
