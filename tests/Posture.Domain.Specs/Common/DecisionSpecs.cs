using NodaTime;
using Posture.Domain.Common;

namespace Posture.Domain.Specs.Common;

/// <summary>
/// What every decider spec shares: a fixed "now", the seed story's sites, and the "then" assertions (events, or a
/// named refusal that writes nothing).
/// </summary>
public abstract class DecisionSpecs
{
    /// <summary>The morning after the 20 February 2021 attack on Balad: "now" for every spec here.</summary>
    protected static readonly Instant Now = Instant.FromUtc(2021, 2, 21, 9, 0);

    protected static readonly Guid Balad = Story.Balad;
    protected static readonly Guid Erbil = Story.Erbil;
    protected static readonly Guid BaghdadHq = Story.BaghdadHq;
    protected static readonly Guid Unregistered = Story.Unregistered;

    protected static void ThenEvents(Decision decision, params object[] expected)
    {
        decision.Rejection.ShouldBeNull();
        decision.Events.ShouldBe(expected);
    }

    protected static Rejection ThenRefused(Decision decision, RejectionKind kind)
    {
        decision.Events.ShouldBeEmpty();
        var rejection = decision.Rejection.ShouldNotBeNull();
        rejection.Kind.ShouldBe(kind);
        return rejection;
    }

    protected static void ThenInvalid(Decision decision, params string[] fields)
    {
        var rejection = ThenRefused(decision, RejectionKind.Invalid);
        rejection.Problems.Select(p => p.Field).ShouldBe(fields, ignoreOrder: true);
    }

    /// <summary>A conflict whose reason says what was in the way, so a security officer can act on it.</summary>
    protected static void ThenConflict(Decision decision, params string[] reasonMentions)
    {
        var rejection = ThenRefused(decision, RejectionKind.Conflict);
        foreach (var mention in reasonMentions)
        {
            rejection.Reason.ShouldContain(mention);
        }
    }

    protected static void ThenNotFound(Decision decision, Guid named) =>
        ThenRefused(decision, RejectionKind.NotFound).Reason.ShouldContain(named.ToString());

    protected static Instant Day(int year, int month, int day) => Instant.FromUtc(year, month, day, 12, 0);
}
