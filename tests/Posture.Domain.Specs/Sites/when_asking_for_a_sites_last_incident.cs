using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Incidents;

namespace Posture.Domain.Specs.Sites;

/// <summary>A site's last incident by an instant, read from its incident log rows (the site's document keeps none).</summary>
public sealed class when_asking_for_a_sites_last_incident
{
    private static readonly Guid Balad = Guid.NewGuid();
    private static readonly Instant January2020 = Instant.FromUtc(2020, 1, 12, 17, 0);
    private static readonly Instant February2021 = Instant.FromUtc(2021, 2, 20, 17, 30);

    private static RocketAttackOccurred Attack(Instant at) =>
        new(Balad, Guid.NewGuid(), new IncidentReport(at, TimePrecision.Exact, 4, Impact.Perimeter, 0, 1, null, Attribution.Unknown, null, "AP", Confidence.Probable, null));

    /// <summary>The log rows the events leave, one per incident, as the inline projection keeps them.</summary>
    private static List<IncidentLogEntry> Log(params object[] events) =>
        events.GroupBy(e => IncidentRecord.IncidentOf(e)!.Value)
            .Select(g => g.Aggregate((IncidentLogEntry?)null, IncidentLogEntry.Evolve))
            .OfType<IncidentLogEntry>().ToList();

    [Fact]
    public void a_site_without_incidents_has_none() => IncidentLogEntry.LastBy([], February2021).ShouldBeNull();

    [Fact]
    public void a_late_report_of_an_older_attack_does_not_move_it_back() =>
        IncidentLogEntry.LastBy(Log(Attack(February2021), Attack(January2020)), Instant.MaxValue).ShouldBe(February2021);

    [Fact]
    public void an_incident_after_the_instant_asked_about_does_not_count() =>
        IncidentLogEntry.LastBy(Log(Attack(January2020), Attack(February2021)), February2021 - Duration.FromTicks(1)).ShouldBe(January2020);

    [Fact]
    public void a_retracted_incident_does_not_count_and_a_correction_moves_it()
    {
        var latest = Attack(February2021);
        var older = Attack(January2020);
        IncidentLogEntry.LastBy(Log(older, latest, new IncidentRetracted(Balad, latest.IncidentId, "did not happen")), Instant.MaxValue)
            .ShouldBe(January2020);

        var moved = February2021 + Duration.FromDays(1);
        var corrected = Log(older, latest, new IncidentCorrected(Balad, latest.IncidentId, latest.Report with { OccurredAt = moved }, "a day later"));
        IncidentLogEntry.LastBy(corrected, Instant.MaxValue).ShouldBe(moved);
        IncidentLogEntry.LastBy(corrected, February2021).ShouldBe(January2020, "the correction moved it after the instant asked about");
    }
}
