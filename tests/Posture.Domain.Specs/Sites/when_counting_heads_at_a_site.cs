using NodaTime;
using Posture.Domain.Contractors;
using Posture.Domain.Missions;
using Posture.Domain.Sites;
using static Posture.Domain.Specs.Common.Story;

namespace Posture.Domain.Specs.Sites;

public sealed class when_counting_heads_at_a_site
{
    private static readonly Instant T1 = Instant.FromUtc(2021, 2, 1, 0, 0);
    private static readonly Instant T2 = T1 + Duration.FromDays(7);
    private static readonly Instant T3 = T1 + Duration.FromDays(14);

    private static readonly ContractorEngaged SallyportEngaged = new(Sallyport, "Sallyport", "Iraqi F-16 programme", T1);
    private static readonly ContractorEngaged LockheedEngaged = new(LockheedMartin, "Lockheed Martin", "Iraqi F-16 programme", T1);
    private static readonly MissionLaunched NmiLaunched = new(NatoMissionIraq, "NATO Mission Iraq", 500, [Erbil], T1);

    /// <summary>An illustrative week at Balad and Erbil: two companies and the mission.</summary>
    private static readonly object[] History =
    [
        SallyportEngaged,
        LockheedEngaged,
        NmiLaunched,
        new ContractorsDeployed(Sallyport, Balad, 46, T1),
        new ContractorsDeployed(LockheedMartin, Balad, 12, T1),
        new MissionPersonnelAssigned(NatoMissionIraq, Balad, 20, T2),
        new MissionPersonnelAssigned(NatoMissionIraq, Erbil, 300, T1),
        new ContractorsEvacuated(LockheedMartin, Balad, 12, "Erbil", "company withdrew its staff", T3),
    ];

    [Fact]
    public void contractors_are_counted_by_company_and_mission_personnel_by_mission()
    {
        var balad = Headcount.OfSite(History, Balad, T2);
        balad.ByOrganisation.ShouldBe(
        [
            new OrganisationHeadcount(LockheedMartin, "Lockheed Martin", OrganisationKind.Contractor, 12),
            new OrganisationHeadcount(Sallyport, "Sallyport", OrganisationKind.Contractor, 46),
            new OrganisationHeadcount(NatoMissionIraq, "NATO Mission Iraq", OrganisationKind.Mission, 20),
        ]);
        balad.Contractors.ShouldBe(58);
        balad.Mission.ShouldBe(20);
        balad.Total.ShouldBe(78);
    }

    [Fact]
    public void only_what_had_happened_by_the_instant_counts()
    {
        Headcount.OfSite(History, Balad, T1).Total.ShouldBe(58);
        Headcount.OfSite(History, Balad, T2 - Duration.Epsilon).Mission.ShouldBe(0);
        Headcount.OfSite(History, Balad, T2).Mission.ShouldBe(20);
        Headcount.OfSite(History, Balad, T3).Contractors.ShouldBe(46);
    }

    [Fact]
    public void before_anyone_arrived_a_site_counts_no_one()
    {
        var balad = Headcount.OfSite(History, Balad, T1 - Duration.Epsilon);
        balad.BaseId.ShouldBe(Balad);
        balad.ByOrganisation.ShouldBeEmpty();
        (balad.Contractors, balad.Mission, balad.Total).ShouldBe((0, 0, 0));
        Headcount.AtInstant(History, T1 - Duration.Epsilon).ShouldBeEmpty();
    }

    [Fact]
    public void a_company_with_no_one_left_at_the_site_is_not_listed()
    {
        var balad = Headcount.OfSite(History, Balad, T3);
        balad.ByOrganisation.Select(o => o.Organisation).ShouldBe(["Sallyport", "NATO Mission Iraq"]);
        balad.Total.ShouldBe(66);
    }

    [Fact]
    public void every_site_anyone_was_sent_to_is_counted_apart()
    {
        var sites = Headcount.AtInstant(History, T3);
        sites.Select(s => (s.BaseId, s.Total)).ShouldBe([(Balad, 66), (Erbil, 300)], ignoreOrder: true);
    }

    [Fact]
    public void a_late_report_of_an_earlier_deployment_counts_from_when_it_happened()
    {
        object[] history = [.. History, new ContractorsDeployed(Sallyport, Balad, 4, T1)];
        Headcount.OfSite(history, Balad, T1).ByOrganisation.Single(o => o.OrganisationId == Sallyport).People.ShouldBe(50);
    }

    [Fact]
    public void the_killed_leave_the_count_and_the_injured_stay()
    {
        object[] history = [.. History, new ContractorCasualtiesReported(Sallyport, Balad, 1, 9, T2)];
        Headcount.OfSite(history, Balad, T2).ByOrganisation.Single(o => o.OrganisationId == Sallyport).People.ShouldBe(45);
    }

    [Fact]
    public void returned_and_withdrawn_people_are_counted_where_they_are()
    {
        object[] history =
        [
            .. History,
            new ContractorsReturned(LockheedMartin, Balad, 5, T3 + Duration.FromDays(1)),
            new MissionPersonnelWithdrawn(NatoMissionIraq, Balad, 20, T3 + Duration.FromDays(1)),
        ];
        var balad = Headcount.OfSite(history, Balad, T3 + Duration.FromDays(1));
        balad.Contractors.ShouldBe(51);
        balad.Mission.ShouldBe(0);
    }

    [Fact]
    public void an_organisation_whose_name_is_not_in_the_history_is_named_by_its_id()
    {
        var unnamed = Headcount.OfSite([new ContractorsDeployed(Sallyport, Balad, 3, T1)], Balad, T1);
        unnamed.ByOrganisation.ShouldHaveSingleItem().Organisation.ShouldBe(Sallyport.ToString());
    }
}
