using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Posture.Domain.Common;
using Posture.Domain.Missions;
using Posture.Domain.Sites;
using Posture.Domain.Specs.Common;
using static Posture.Domain.Specs.Common.Story;

namespace Posture.Domain.Specs.Missions;

/// <summary>
/// Random commands for one mission (assignments and withdrawals at random sites and instants, changes of strength
/// from the right or a wrong strength, bad counts, future instants, an unknown site): whatever the deciders accept
/// never assigns more people than the strength in force, never leaves a site below zero, and the headcount read
/// from the history agrees with the decision state at every moment.
/// </summary>
public sealed class any_sequence_of_mission_commands
{
    private static readonly Guid[] Sites = [BaghdadHq, Erbil, Unregistered];
    private static readonly HashSet<Guid> Registered = [BaghdadHq, Erbil];

    private static readonly Instant Start = Instant.FromUtc(2018, 10, 1, 0, 0);

    /// <summary>Thirty days after the launch; generated instants run a few days either side.</summary>
    private static readonly Instant Now = Start + Duration.FromDays(30);

    private static readonly Gen<Instant> Moments = ScriptGen.DaysAround(Start, Now);
    private static readonly Gen<Guid> AnySite = ScriptGen.MostlyKnown(BaghdadHq, Erbil, Unregistered);
    private static readonly Gen<int> Counts = Gen.Choose(-1, 25);

    /// <summary>
    /// A change of strength as a client would send it: usually from the strength it just read, sometimes from a stale
    /// or wrong one; it becomes an <see cref="ExpandMission"/> or <see cref="ReduceMission"/> once the state is known.
    /// </summary>
    private sealed record StrengthChange(bool Expand, int By, bool FromCurrent, int WrongFrom, Instant At)
    {
        public object ToCommand(Mission? state)
        {
            var from = FromCurrent ? state?.AuthorisedStrength ?? 0 : WrongFrom;
            return Expand
                ? new ExpandMission(NatoMissionIraq, from, from + By, At)
                : new ReduceMission(NatoMissionIraq, from, from - By, At);
        }
    }

    private static readonly Gen<object> Steps = Gen.Frequency(
        (5, from site in AnySite from count in Counts from at in Moments
            select (object)new AssignMissionPersonnel(NatoMissionIraq, site, count, at)),
        (3, from site in AnySite from count in Counts from at in Moments
            select (object)new WithdrawMissionPersonnel(NatoMissionIraq, site, count, at)),
        (3, from expand in Gen.Elements(true, false)
            from amount in Gen.Choose(-1, 30)
            from fromCurrent in ScriptGen.Mostly
            from wrongFrom in Gen.Choose(0, 60)
            from at in Moments
            select (object)new StrengthChange(expand, amount, fromCurrent, wrongFrom, at)));

    private static readonly Gen<Script> Scripts =
        from launched in ScriptGen.Mostly
        from strength in Gen.Choose(1, 60)
        from steps in Gen.ListOf(Steps)
        select new Script(launched
            ? [new LaunchMission(NatoMissionIraq, "NATO Mission Iraq", strength, [BaghdadHq], Start), .. steps]
            : [.. steps]);

    private static ScriptRun<Mission> Run(Script script) => ScriptRunner.Run<Mission>(script, Decide, Mission.Evolve);

    private static Decision Decide(object step, Mission? state) => step switch
    {
        LaunchMission c => MissionDecider.Decide(c, state, Now, Registered),
        StrengthChange s => s.ToCommand(state) switch
        {
            ExpandMission c => MissionDecider.Decide(c, state, Now),
            var c => MissionDecider.Decide((ReduceMission)c, state, Now),
        },
        AssignMissionPersonnel c => MissionDecider.Decide(c, state, Now, Registered.Contains(c.BaseId)),
        WithdrawMissionPersonnel c => MissionDecider.Decide(c, state, Now, Registered.Contains(c.BaseId)),
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "not a mission step"),
    };

    private static Instant WhenOf(object @event) => @event switch
    {
        MissionLaunched e => e.LaunchedAt,
        MissionExpanded e => e.At,
        MissionReduced e => e.At,
        MissionPersonnelAssigned e => e.At,
        MissionPersonnelWithdrawn e => e.At,
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "not a mission event"),
    };

    /// <summary>
    /// The authorised strength in force at an instant, read straight from the history: the latest launch or change
    /// at or before it (the later-recorded of two at the same instant), none before the launch.
    /// </summary>
    private static int StrengthAt(IReadOnlyList<object> history, Instant at) => history
        .Select((@event, position) => (@event, position))
        .Where(e => e.@event is MissionLaunched or MissionExpanded or MissionReduced && WhenOf(e.@event) <= at)
        .OrderBy(e => WhenOf(e.@event)).ThenBy(e => e.position)
        .Select(e => e.@event switch
        {
            MissionLaunched l => l.AuthorisedStrength,
            MissionExpanded x => x.To,
            MissionReduced r => r.To,
            _ => 0,
        })
        .LastOrDefault();

    [Property(MaxTest = 500)]
    public Property no_moment_has_more_assigned_than_authorised_nor_a_site_below_zero() =>
        Prop.ForAll(Script.Arbitrary(Scripts), script =>
        {
            var run = Run(script);
            foreach (var at in run.ChangeInstants(WhenOf))
            {
                var sites = Headcount.AtInstant(run.History, at);
                sites.ShouldAllBe(site => site.Mission >= 0, $"at {at}");
                sites.Sum(site => site.Mission).ShouldBeLessThanOrEqualTo(StrengthAt(run.History, at), $"at {at}");
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
                    Headcount.OfSite(run.History, site, at).Mission.ShouldBe(run.State?.AssignedAt(site).At(at) ?? 0, $"{site} at {at}");
                }

                var assigned = Headcount.AtInstant(run.History, at).Sum(site => site.Mission);
                (run.State?.Unassigned.At(at) ?? 0).ShouldBe(StrengthAt(run.History, at) - assigned, $"at {at}");
            }
        });

    [Property(MaxTest = 500)]
    public Property every_change_of_strength_starts_from_the_one_before_it() =>
        Prop.ForAll(Script.Arbitrary(Scripts), script =>
        {
            var run = Run(script);
            var strength = 0;
            foreach (var @event in run.History)
            {
                switch (@event)
                {
                    case MissionLaunched launched:
                        strength = launched.AuthorisedStrength;
                        break;
                    case MissionExpanded expanded:
                        expanded.From.ShouldBe(strength);
                        expanded.To.ShouldBeGreaterThan(strength);
                        strength = expanded.To;
                        break;
                    case MissionReduced reduced:
                        reduced.From.ShouldBe(strength);
                        reduced.To.ShouldBeInRange(0, strength - 1);
                        strength = reduced.To;
                        break;
                }
            }

            (run.State?.AuthorisedStrength ?? 0).ShouldBe(strength);
        });

    [Fact]
    public void the_generated_scripts_exercise_every_event_and_many_refusals()
    {
        var runs = Scripts.Sample(200, 50).Select(Run).ToList();
        runs.SelectMany(r => r.History).Select(e => e.GetType()).Distinct().ShouldBe(
            [typeof(MissionLaunched), typeof(MissionExpanded), typeof(MissionReduced), typeof(MissionPersonnelAssigned),
             typeof(MissionPersonnelWithdrawn)],
            ignoreOrder: true);
        runs.Sum(r => r.Accepted).ShouldBeGreaterThan(1000);
        runs.Sum(r => r.Refused).ShouldBeGreaterThan(1000);
    }
}
