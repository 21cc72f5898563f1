using System.Collections.Immutable;
using NodaTime;

namespace Posture.Domain.Common;

/// <summary>
/// A number of people that changes at instants in the world (deployed, evacuated, assigned, authorised): its value
/// at an instant is the sum of every change at or before it. Changes are kept in the order of their instants, not
/// of their recording, so a late report of an earlier deployment counts from when it happened. Immutable.
/// </summary>
public sealed class RunningCount
{
    private readonly ImmutableList<(Instant At, int Change)> _changes;

    private RunningCount(ImmutableList<(Instant At, int Change)> changes) => _changes = changes;

    public static RunningCount Zero { get; } = new([]);

    /// <summary>The value once every recorded change has happened.</summary>
    public int Latest => _changes.Sum(c => c.Change);

    /// <summary>The value at an instant: every change at or before it counts.</summary>
    public int At(Instant instant) => _changes.TakeWhile(c => c.At <= instant).Sum(c => c.Change);

    /// <summary>
    /// The lowest value from an instant on, over every later change already recorded: how many people can leave at
    /// that instant without the count falling below zero at any moment after it.
    /// </summary>
    public int LowestFrom(Instant instant)
    {
        var value = At(instant);
        var lowest = value;
        foreach (var moment in _changes.Where(c => c.At > instant).GroupBy(c => c.At))
        {
            value += moment.Sum(c => c.Change);
            lowest = Math.Min(lowest, value);
        }

        return lowest;
    }

    /// <summary>This count with one more change; changes at the same instant keep the order they were added in.</summary>
    public RunningCount Add(Instant at, int change)
    {
        if (change == 0)
        {
            return this;
        }

        var index = _changes.FindLastIndex(c => c.At <= at) + 1;
        return new RunningCount(_changes.Insert(index, (at, change)));
    }
}
