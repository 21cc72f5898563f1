using Posture.Cli.Import;
using Posture.Domain.Bases;

namespace Posture.IntegrationTests.Cli;

/// <summary>How one ACLED row reads, with no database: the mapping docs/cli.md documents.</summary>
public sealed class reading_acled_rows
{
    private static readonly string[] Header =
        ["event_id_cnty", "event_date", "time_precision", "sub_event_type", "actor1", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities"];

    private static readonly AcledColumns Columns = AcledColumns.Find(Header).Columns!;

    private static RowVerdict Read(
        string subEventType = "Shelling/artillery/missile attack", string date = "2021-02-20", string timePrecision = "1",
        string actor = "Unidentified Armed Group (Iraq)", string latitude = "33.94", string geoPrecision = "1", string source = "Shafaq News",
        string fatalities = "0") =>
        AcledRows.Read(Columns, ["IRQ1", date, timePrecision, subEventType, actor, latitude, "44.36", geoPrecision, source, "", fatalities]);

    [Theory]
    [InlineData("Shelling/artillery/missile attack", IncidentKind.Rocket)]
    [InlineData("Air/drone strike", IncidentKind.Drone)]
    [InlineData("Remote explosive/landmine/IED", IncidentKind.Ied)]
    [InlineData("Suicide bomb", IncidentKind.Ied)]
    [InlineData("Armed clash", IncidentKind.SmallArms)]
    [InlineData("Attack", IncidentKind.SmallArms)]
    [InlineData("Grenade", IncidentKind.SmallArms)]
    public void each_attack_sub_event_type_becomes_its_kind(string subEventType, IncidentKind kind) =>
        Read(subEventType).ShouldBeOfType<IncidentCandidate>().Kind.ShouldBe(kind);

    [Fact]
    public void a_row_reads_as_a_day_precise_perimeter_report_at_noon_utc()
    {
        var report = Read(fatalities: "3").ShouldBeOfType<IncidentCandidate>().Report;

        report.OccurredAt.ShouldBe(NodaTime.Instant.FromUtc(2021, 2, 20, 12, 0));
        report.Precision.ShouldBe(TimePrecision.Day);
        report.Killed.ShouldBe(3);
        report.Injured.ShouldBe(0);
        report.Rounds.ShouldBe(0);
        report.Impact.ShouldBe(Impact.Perimeter);
        report.Confidence.ShouldBe(Confidence.Probable);
        report.Attribution.ShouldBe(Attribution.Unknown);
        report.AttributedTo.ShouldBeNull();
        report.Notes.ShouldBeNull();
    }

    [Fact]
    public void a_named_actor_is_suspected() =>
        Read(actor: "Awliya al-Dam").ShouldBeOfType<IncidentCandidate>().Report
            .ShouldSatisfyAllConditions(r => r.Attribution.ShouldBe(Attribution.Suspected), r => r.AttributedTo.ShouldBe("Awliya al-Dam"));

    [Theory]
    [InlineData("Peaceful protest", "1", "1", "sub-event type 'Peaceful protest' is not an attack Posture records")]
    [InlineData("Attack", "2", "1", "time_precision 2 places it only within a week")]
    [InlineData("Attack", "3", "1", "time_precision 3 places it only within a month")]
    [InlineData("Attack", "1", "3", "geo_precision 3 places it only within its region")]
    public void rows_posture_does_not_record_are_skipped_with_a_reason(string subEventType, string timePrecision, string geoPrecision, string reason) =>
        Read(subEventType, timePrecision: timePrecision, geoPrecision: geoPrecision).ShouldBeOfType<SkippedRow>().Reason.ShouldBe(reason);

    [Fact]
    public void every_bad_value_of_a_row_is_named_at_once() =>
        Read(date: "20/02/2021", latitude: "north", source: " ", fatalities: "").ShouldBeOfType<RejectedRow>().Reason.ShouldBe(
            "event_date '20/02/2021' is not a date in the form yyyy-MM-dd; latitude 'north' is not a latitude in degrees (-90 to 90); " +
            "fatalities is empty; source is empty");

    [Fact]
    public void a_header_missing_several_columns_names_them_all() =>
        AcledColumns.Find(["event_id_cnty", "event_date", "sub_event_type"]).Missing
            .ShouldBe(["time_precision", "latitude", "longitude", "source", "fatalities"]);

    [Fact]
    public void an_events_incident_id_depends_on_its_event_id_only()
    {
        AcledRows.IncidentIdOf("IRQ90001").ShouldBe(AcledRows.IncidentIdOf(" IRQ90001 "));
        AcledRows.IncidentIdOf("IRQ90001").ShouldNotBe(AcledRows.IncidentIdOf("IRQ90002"));
        AcledRows.IncidentIdOf("IRQ90001").Version.ShouldBe(8);
    }
}
