using NodaTime;
using Posture.Domain.Common;
using Posture.Domain.Contractors;
using Posture.Domain.Missions;
using Posture.Domain.Sites;
using Posture.Domain.Specs.Common;

namespace Posture.Domain.Specs.Sites;

/// <summary>
/// The seed story (shared/SCENARIO.md) recorded command by command, each as it happened, through the deciders; then
/// read back with the headcount. Figures no source gives are marked illustrative.
/// </summary>
public sealed class when_replaying_the_seed_story : DecisionSpecs
{
    private static readonly Guid Sallyport = Story.Sallyport;
    private static readonly Guid NatoMissionIraq = Story.NatoMissionIraq;
    private static readonly IReadOnlySet<Guid> Registered = new HashSet<Guid> { Balad, Erbil, BaghdadHq };

    /// <summary>Illustrative: the sources have Sallyport at Balad by 2018, not when its engagement began.</summary>
    private static readonly Instant SallyportEngaged = Day(2017, 12, 1);

    /// <summary>2018: Sallyport employed roughly 1,850 people at Balad (The Daily Beast).</summary>
    private static readonly Instant In2018 = Day(2018, 3, 1);

    /// <summary>NATO Mission Iraq was established in October 2018, about 500 strong; the day is illustrative.</summary>
    private static readonly Instant NmiLaunched = Day(2018, 10, 15);

    /// <summary>Early January 2020: most foreign personnel left Balad; how many of Sallyport's is illustrative (1,830).</summary>
    private static readonly Instant Evacuation = Day(2020, 1, 5);

    /// <summary>Illustrative: 26 came back, so that 46 were there in February 2021, as the seed says.</summary>
    private static readonly Instant Return = Day(2020, 9, 1);

    /// <summary>18 February 2021: NATO defence ministers grow the mission from about 500 to about 4,000.</summary>
    private static readonly Instant Expansion = Day(2021, 2, 18);

    /// <summary>Saturday 20 February 2021, about 20:30 local time: rockets on Balad, one Sallyport worker injured.</summary>
    private static readonly Instant Attack = Instant.FromUtc(2021, 2, 20, 17, 30);

    private sealed record Replayed(IReadOnlyList<object> History, IReadOnlyList<Rejection> Refusals, Contractor? Sallyport, Mission? Mission);

    /// <summary>Each command is decided at the instant it happened, as if recorded on the spot.</summary>
    private static Replayed Replay()
    {
        var history = new List<object>();
        var refusals = new List<Rejection>();
        Contractor? sallyport = null;
        Mission? mission = null;

        void ForSallyport(Func<Contractor?, Decision> decide) => sallyport = Record(decide(sallyport), sallyport, Contractor.Evolve);
        void ForTheMission(Func<Mission?, Decision> decide) => mission = Record(decide(mission), mission, Mission.Evolve);

        TState? Record<TState>(Decision decision, TState? state, Func<TState?, object, TState?> evolve)
        {
            if (decision.Rejection is { } rejection)
            {
                refusals.Add(rejection);
            }

            history.AddRange(decision.Events);
            return decision.Events.Aggregate(state, evolve);
        }

        ForSallyport(s => ContractorDecider.Decide(
            new EngageContractor(Sallyport, "Sallyport", "Iraqi F-16 programme", SallyportEngaged), s, SallyportEngaged));
        ForSallyport(s => ContractorDecider.Decide(new DeployContractors(Sallyport, Balad, 1850, In2018), s, In2018, siteKnown: true));
        ForTheMission(m => MissionDecider.Decide(
            new LaunchMission(NatoMissionIraq, "NATO Mission Iraq", 500, [BaghdadHq], NmiLaunched), m, NmiLaunched, Registered));
        ForTheMission(m => MissionDecider.Decide(
            new AssignMissionPersonnel(NatoMissionIraq, BaghdadHq, 500, NmiLaunched), m, NmiLaunched, siteKnown: true));
        ForSallyport(s => ContractorDecider.Decide(
            new EvacuateContractors(Sallyport, Balad, 1830, null, "threats to foreign personnel after 3 January 2020", Evacuation),
            s, Evacuation, siteKnown: true));
        ForSallyport(s => ContractorDecider.Decide(new ReturnContractors(Sallyport, Balad, 26, Return), s, Return, siteKnown: true));
        ForTheMission(m => MissionDecider.Decide(new ExpandMission(NatoMissionIraq, 500, 4000, Expansion), m, Expansion));
        ForSallyport(s => ContractorDecider.Decide(new ReportContractorCasualties(Sallyport, Balad, 0, 1, Attack), s, Attack, siteKnown: true));

        return new Replayed(history, refusals, sallyport, mission);
    }

    [Fact]
    public void every_step_of_the_story_is_accepted()
    {
        var story = Replay();
        story.Refusals.ShouldBeEmpty();
        story.History.Count.ShouldBe(8);
    }

    [Fact]
    public void sallyport_had_1850_people_at_balad_in_2018() =>
        Headcount.OfSite(Replay().History, Balad, Day(2019, 6, 1)).ByOrganisation
            .ShouldBe([new OrganisationHeadcount(Sallyport, "Sallyport", OrganisationKind.Contractor, 1850)]);

    [Fact]
    public void after_the_january_2020_evacuation_twenty_remained()
    {
        var story = Replay();
        Headcount.OfSite(story.History, Balad, Evacuation).Total.ShouldBe(20);
        story.Sallyport.ShouldNotBeNull().EvacuatedFrom(Balad).At(Evacuation).ShouldBe(1830);
    }

    [Fact]
    public void forty_six_sallyport_people_were_at_balad_when_the_rockets_hit()
    {
        var history = Replay().History;
        var balad = Headcount.OfSite(history, Balad, Attack - Duration.FromMinutes(1));
        balad.ByOrganisation.ShouldBe([new OrganisationHeadcount(Sallyport, "Sallyport", OrganisationKind.Contractor, 46)]);
        balad.Total.ShouldBe(46);
        Headcount.OfSite(history, Balad, Attack).Total.ShouldBe(46, "the injured worker is still there");
    }

    [Fact]
    public void nato_mission_iraq_grew_from_500_to_4000_on_18_february_2021()
    {
        var story = Replay();
        story.History.OfType<MissionExpanded>().ShouldHaveSingleItem().ShouldBe(new MissionExpanded(NatoMissionIraq, 500, 4000, Expansion));
        var mission = story.Mission.ShouldNotBeNull();
        mission.AuthorisedStrength.ShouldBe(4000);
        mission.Unassigned.At(Expansion - Duration.FromDays(1)).ShouldBe(0);
        mission.Unassigned.At(Expansion).ShouldBe(3500);
        Headcount.OfSite(story.History, BaghdadHq, Attack).Mission.ShouldBe(500);
    }

    [Fact]
    public void expanding_again_from_500_is_refused_because_the_strength_is_now_4000() =>
        ThenConflict(
            MissionDecider.Decide(new ExpandMission(NatoMissionIraq, 500, 4000, Now), Replay().Mission, Now), "4000", "not 500");
}
