using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Posture.Domain.Common;
using Posture.Domain.Contractors;
using Posture.Domain.Sites;
using Posture.Domain.Specs.Common;
using static Posture.Domain.Specs.Common.Story;

namespace Posture.Domain.Specs.Contractors;

/// <summary>
/// Random commands for one contractor (at random sites and instants, some out of order, some in the future or at
/// an unknown site, some with bad counts): whatever the deciders accept never leaves a site below zero, and the
/// headcount read from the history agrees with the decision state at every moment.
/// </summary>
public sealed class any_sequence_of_contractor_commands
{
    private static readonly Guid[] Sites = [Balad, Erbil, Unregistered];

    private static readonly Instant Start = Instant.FromUtc(2020, 1, 1, 0, 0);

    /// <summary>Thirty days after the engagement; generated instants run a few days either side.</summary>
    private static readonly Instant Now = Start + Duration.FromDays(30);

    private static readonly EngageContractor Engage = new(Sallyport, "Sallyport", "Iraqi F-16 programme", Start);

    private static readonly Gen<Instant> Moments = ScriptGen.DaysAround(Start, Now);
    private static readonly Gen<Guid> AnySite = ScriptGen.MostlyKnown(Balad, Erbil, Unregistered);
    private static readonly Gen<int> Counts = Gen.Choose(-1, 20);

    private static readonly Gen<object> Commands = Gen.Frequency(
        (4, from site in AnySite from count in Counts from at in Moments
            select (object)new DeployContractors(Sallyport, site, count, at)),
        (3, from site in AnySite from count in Counts from at in Moments
            select (object)new EvacuateContractors(Sallyport, site, count, "Erbil", "rocket attacks", at)),
        (3, from site in AnySite from count in Counts from at in Moments
            select (object)new ReturnContractors(Sallyport, site, count, at)),
        (2, from site in AnySite from killed in Gen.Choose(-1, 4) from injured in Gen.Choose(0, 4) from at in Moments
            select (object)new ReportContractorCasualties(Sallyport, site, killed, injured, at)),
        (1, Gen.Constant((object)Engage)));

    /// <summary>Most scripts start with the engagement; the rest show that nothing is accepted for an unknown contractor.</summary>
    internal static readonly Gen<Script> Scripts =
        from engaged in ScriptGen.Mostly
        from commands in Gen.ListOf(Commands)
        select new Script(engaged ? [Engage, .. commands] : [.. commands]);

    internal static ScriptRun<Contractor> Run(Script script) =>
        ScriptRunner.Run<Contractor>(script, Decide, Contractor.Evolve);

    private static Decision Decide(object command, Contractor? state) => command switch
    {
        EngageContractor c => ContractorDecider.Decide(c, state, Now),
        DeployContractors c => ContractorDecider.Decide(c, state, Now, SiteKnown(c.BaseId)),
        EvacuateContractors c => ContractorDecider.Decide(c, state, Now, SiteKnown(c.BaseId)),
        ReturnContractors c => ContractorDecider.Decide(c, state, Now, SiteKnown(c.BaseId)),
        ReportContractorCasualties c => ContractorDecider.Decide(c, state, Now, SiteKnown(c.BaseId)),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "not a contractor command"),
    };

    private static bool SiteKnown(Guid site) => site != Unregistered;

    private static Instant WhenOf(object @event) => @event switch
    {
        ContractorEngaged e => e.EngagedAt,
        ContractorsDeployed e => e.At,
        ContractorsEvacuated e => e.At,
        ContractorsReturned e => e.At,
        ContractorCasualtiesReported e => e.At,
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "not a contractor event"),
    };

    /// <summary>People evacuated from a site and still away at an instant, read straight from the history.</summary>
    private static int AwayFrom(IEnumerable<object> history, Guid site, Instant at) => history.Sum(@event => @event switch
    {
        ContractorsEvacuated e when e.BaseId == site && e.At <= at => e.Count,
        ContractorsReturned e when e.BaseId == site && e.At <= at => -e.Count,
        _ => 0,
    });

    [Property(MaxTest = 500)]
    public Property no_site_ever_holds_fewer_than_none_and_no_more_return_than_left() =>
        Prop.ForAll(Script.Arbitrary(Scripts), script =>
        {
            var run = Run(script);
            foreach (var at in run.ChangeInstants(WhenOf))
            {
                foreach (var site in Sites)
                {
                    Headcount.OfSite(run.History, site, at).Contractors.ShouldBeGreaterThanOrEqualTo(0, $"{site} at {at}");
                    AwayFrom(run.History, site, at).ShouldBeGreaterThanOrEqualTo(0, $"{site} at {at}");
                }
            }
        });

    [Property(MaxTest = 500)]
    public Property the_headcount_agrees_with_the_decision_state_at_every_moment() =>
        Prop.ForAll(Script.Arbitrary(Scripts), script =>
        {
            var run = Run(script);
            foreach (var at in run.ChangeInstants(WhenOf))
            {
                foreach (var site in Sites)
                {
                    Headcount.OfSite(run.History, site, at).Contractors
                        .ShouldBe(run.State?.PeopleAt(site).At(at) ?? 0, $"{site} at {at}");
                    AwayFrom(run.History, site, at).ShouldBe(run.State?.EvacuatedFrom(site).At(at) ?? 0, $"{site} at {at}");
                }
            }
        });

    [Property(MaxTest = 500)]
    public Property the_stream_starts_with_its_one_engagement_and_names_only_known_sites() =>
        Prop.ForAll(Script.Arbitrary(Scripts), script =>
        {
            var run = Run(script);
            if (run.History.Count > 0)
            {
                run.History[0].ShouldBeOfType<ContractorEngaged>();
            }

            run.History.OfType<ContractorEngaged>().Count().ShouldBeLessThanOrEqualTo(1);
            Headcount.AtInstant(run.History, Now).ShouldAllBe(site => site.BaseId != Unregistered);
        });

    [Fact]
    public void the_generated_scripts_exercise_every_event_and_every_kind_of_refusal()
    {
        var runs = Scripts.Sample(200, 50).Select(Run).ToList();
        var written = runs.SelectMany(r => r.History).Select(e => e.GetType()).Distinct();
        written.ShouldBe(
            [typeof(ContractorEngaged), typeof(ContractorsDeployed), typeof(ContractorsEvacuated), typeof(ContractorsReturned),
             typeof(ContractorCasualtiesReported)],
            ignoreOrder: true);
        runs.Sum(r => r.Accepted).ShouldBeGreaterThan(1000);
        runs.Sum(r => r.Refused).ShouldBeGreaterThan(1000);
    }
}
