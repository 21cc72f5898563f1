using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using Posture.Domain.Common;

namespace Posture.Domain.Specs.Common;

/// <summary>A generated sequence of commands (or steps that become commands once the state is known).</summary>
public sealed record Script(IReadOnlyList<object> Steps)
{
    public override string ToString() => string.Join(Environment.NewLine, Steps);

    /// <summary>Shrinks a failing script by leaving out one step at a time, so a counterexample comes back short.</summary>
    public static Arbitrary<Script> Arbitrary(Gen<Script> scripts) =>
        Arb.From(scripts, script => Enumerable.Range(0, script.Steps.Count)
            .Select(skip => new Script(script.Steps.Where((_, i) => i != skip).ToList())));
}

/// <summary>Generators the command scripts share.</summary>
public static class ScriptGen
{
    /// <summary>Whole days from two before <paramref name="start"/> to three after <paramref name="now"/>: some too early, some in the future.</summary>
    public static Gen<Instant> DaysAround(Instant start, Instant now) =>
        Gen.Choose(-2, (int)(now - start).TotalDays + 3).Select(day => start + Duration.FromDays(day));

    /// <summary>One of two registered sites, now and then one no Base stream knows.</summary>
    public static Gen<Guid> MostlyKnown(Guid site, Guid otherSite, Guid unknownSite) =>
        Gen.Frequency((4, Gen.Constant(site)), (4, Gen.Constant(otherSite)), (1, Gen.Constant(unknownSite)));

    /// <summary>True nine times in ten.</summary>
    public static Gen<bool> Mostly { get; } = Gen.Frequency((9, Gen.Constant(true)), (1, Gen.Constant(false)));
}

/// <summary>What happened when a script was run against a decider: the history written, the state it folds to, and how many steps were refused.</summary>
public sealed record ScriptRun<TState>(IReadOnlyList<object> History, TState? State, int Accepted, int Refused)
    where TState : class
{
    /// <summary>
    /// Every instant at which the history changes a count, and one before them all. Between them counts stand still,
    /// so a rule checked at these instants is checked at every moment.
    /// </summary>
    public IReadOnlyList<Instant> ChangeInstants(Func<object, Instant> whenOf)
    {
        var instants = History.Select(whenOf).Distinct().Order().ToList();
        return instants.Count == 0 ? [] : [instants[0] - Duration.FromDays(1), .. instants];
    }
}

public static class ScriptRunner
{
    /// <summary>
    /// Decides each step against the state so far, as a handler would, appends what is accepted and folds it in;
    /// a refused step must write nothing.
    /// </summary>
    public static ScriptRun<TState> Run<TState>(Script script, Func<object, TState?, Decision> decide, Func<TState?, object, TState?> evolve)
        where TState : class
    {
        var history = new List<object>();
        TState? state = null;
        var accepted = 0;
        var refused = 0;
        foreach (var step in script.Steps)
        {
            var decision = decide(step, state);
            if (decision.IsAccepted)
            {
                accepted++;
            }
            else
            {
                refused++;
                decision.Events.ShouldBeEmpty();
            }

            foreach (var @event in decision.Events)
            {
                history.Add(@event);
                state = evolve(state, @event);
            }
        }

        return new ScriptRun<TState>(history, state, accepted, refused);
    }
}
