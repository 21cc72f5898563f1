using NodaTime;
using Posture.Domain.Common;

namespace Posture.Domain.Specs.Common;

public sealed class when_counting_people_over_time
{
    private static readonly Instant T1 = Instant.FromUtc(2020, 1, 1, 0, 0);
    private static readonly Instant T2 = T1 + Duration.FromDays(1);
    private static readonly Instant T3 = T1 + Duration.FromDays(2);

    [Fact]
    public void nothing_recorded_counts_zero_at_every_moment()
    {
        RunningCount.Zero.At(T1).ShouldBe(0);
        RunningCount.Zero.LowestFrom(T1).ShouldBe(0);
        RunningCount.Zero.Latest.ShouldBe(0);
    }

    [Fact]
    public void a_change_counts_from_its_instant_on()
    {
        var count = RunningCount.Zero.Add(T2, 10);
        count.At(T2 - Duration.Epsilon).ShouldBe(0);
        count.At(T2).ShouldBe(10);
        count.At(T3).ShouldBe(10);
    }

    [Fact]
    public void changes_recorded_out_of_order_are_counted_in_the_order_they_happened()
    {
        var count = RunningCount.Zero.Add(T3, -4).Add(T1, 10);
        count.At(T1).ShouldBe(10);
        count.At(T2).ShouldBe(10);
        count.At(T3).ShouldBe(6);
        count.Latest.ShouldBe(6);
    }

    [Fact]
    public void the_lowest_value_from_an_instant_looks_at_every_later_moment()
    {
        var count = RunningCount.Zero.Add(T1, 10).Add(T2, -8).Add(T3, 5);
        count.LowestFrom(T1).ShouldBe(2);
        count.LowestFrom(T2).ShouldBe(2);
        count.LowestFrom(T3).ShouldBe(7);
        count.LowestFrom(T1 - Duration.FromDays(1)).ShouldBe(0);
    }

    [Fact]
    public void changes_at_the_same_instant_are_one_moment()
    {
        // Ten leave and ten arrive at the same instant: at no moment are there fewer than the ten before.
        var count = RunningCount.Zero.Add(T1, 10).Add(T2, -10).Add(T2, 10);
        count.LowestFrom(T1).ShouldBe(10);
        count.At(T2).ShouldBe(10);
    }

    [Fact]
    public void adding_a_change_leaves_the_original_as_it_was()
    {
        var before = RunningCount.Zero.Add(T1, 3);
        var after = before.Add(T2, 4);
        before.Latest.ShouldBe(3);
        after.Latest.ShouldBe(7);
    }
}
