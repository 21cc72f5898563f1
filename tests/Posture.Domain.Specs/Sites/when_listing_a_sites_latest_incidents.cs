using FsCheck;
using FsCheck.Xunit;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Incidents;

namespace Posture.Domain.Specs.Sites;

/// <summary>
/// A site's latest incidents by an instant (the site read shows ten), taken in one pass: the same list, in the same
/// order, as sorting them all by time (a stable sort) and taking the first.
/// </summary>
public sealed class when_listing_a_sites_latest_incidents
{
    private static readonly Guid Balad = Guid.NewGuid();
    private static readonly Instant Start = Instant.FromUtc(2021, 2, 1, 0, 0);

    private static IncidentLogEntry Entry(int hour)
    {
        var report = new IncidentReport(
            Start + Duration.FromHours(hour), TimePrecision.Hour, 1, Impact.Perimeter, 0, 0, null, Attribution.Unknown, null, "AP", Confidence.Probable, null);
        return IncidentLogEntry.Evolve(null, new RocketAttackOccurred(Balad, Guid.NewGuid(), report))!;
    }

    [Property(MaxTest = 500)]
    public void they_are_the_first_of_all_of_them_sorted_latest_first(byte[] hours, byte atHour, byte count)
    {
        // Hours 0-23 only, so many incidents share an instant and their order is tested too.
        var incidents = hours.Select(h => Entry(h % 24)).ToList();
        var at = Start + Duration.FromHours(atHour % 26);
        var take = count % 13;

        var expected = incidents.Where(i => i.OccurredAt <= at).OrderByDescending(i => i.OccurredAt).Take(take).ToList();

        IncidentLogEntry.LatestBy(incidents, at, take).ShouldBe(expected);
    }

    [Fact]
    public void of_two_at_the_same_instant_the_one_given_first_comes_first()
    {
        var first = Entry(5);
        var second = Entry(5);
        IncidentLogEntry.LatestBy([Entry(1), first, Entry(3), second], Instant.MaxValue, 2).ShouldBe([first, second]);
    }

    [Fact]
    public void none_are_asked_for_none_are_given() => IncidentLogEntry.LatestBy([Entry(1)], Instant.MaxValue, 0).ShouldBeEmpty();
}
