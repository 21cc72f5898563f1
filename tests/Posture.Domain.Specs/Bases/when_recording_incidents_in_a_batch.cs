using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Common;

namespace Posture.Domain.Specs.Bases;

public sealed class when_recording_incidents_in_a_batch : BaseSpecs
{
    private static readonly Guid Second = Guid.Parse("20210221-0000-4000-8000-00000000ba1d");
    private static readonly Guid Third = Guid.Parse("20210222-0000-4000-8000-00000000ba1d");
    private static readonly Dictionary<Guid, IncidentRecord> NoneRecorded = [];

    private static RecordIncident Row(Guid incidentId, IncidentReport? report = null, IncidentKind kind = IncidentKind.Rocket) =>
        new(Balad, incidentId, kind, report ?? SeedReport());

    private static IncidentBatchDecision Decide(Base? state, IReadOnlyDictionary<Guid, IncidentRecord> known, params RecordIncident[] rows) =>
        BaseDecider.Decide(new RecordIncidents(Balad, rows), state, known, Now);

    /// <summary>The batch decided as its handler decides it: on the state and the records of its incidents after the history.</summary>
    private static IncidentBatchDecision After(object[] history, params RecordIncident[] rows) =>
        Decide(Given(history), IncidentRecord.Fold(history), rows);

    [Fact]
    public void each_row_gets_the_events_it_would_get_alone_and_the_stream_gets_them_all_in_order()
    {
        RecordIncident[] rows = [Row(SeedIncident), Row(Second, kind: IncidentKind.Drone), Row(Third, SeedReport(notes: "  late  "), IncidentKind.Ied)];

        var batch = Decide(Given(BaladRegistered), NoneRecorded, rows);

        var alone = rows.Select(r => Decide(r, BaladRegistered).Events.Single()).ToArray();
        batch.Rows.Select(r => r.Events.Single()).ShouldBe(alone);
        ThenEvents(batch.Combined, alone);
    }

    [Fact]
    public void a_refused_row_in_the_middle_is_refused_alone_and_the_others_are_recorded()
    {
        var batch = Decide(Given(BaladRegistered), NoneRecorded, Row(SeedIncident), Row(Second, SeedReport(occurredAt: Now + Duration.FromHours(1))), Row(Third));

        batch.Rows[0].Events.Count.ShouldBe(1);
        ThenInvalid(batch.Rows[1], "occurredAt");
        batch.Rows[2].Events.Count.ShouldBe(1);
        batch.Combined.Events.Cast<IIncidentOccurred>().Select(e => e.IncidentId).ShouldBe([SeedIncident, Third]);
    }

    [Fact]
    public void an_incident_recorded_before_with_the_same_kind_and_report_is_accepted_and_records_nothing()
    {
        var batch = After([BaladRegistered, SeedAttack], Row(SeedIncident, SeedReport() with { Source = " Iraqi military statement " }));

        ThenEvents(batch.Rows.Single());
        ThenEvents(batch.Combined);
    }

    [Fact]
    public void an_incident_recorded_before_with_another_report_or_kind_is_a_conflict()
    {
        var batch = After([BaladRegistered, SeedAttack], Row(SeedIncident, SeedReport(killed: 3)), Row(SeedIncident, kind: IncidentKind.Drone));

        ThenConflict(batch.Rows[0], SeedIncident.ToString(), "Balad Air Base", "other values");
        ThenConflict(batch.Rows[1], "other values");
        ThenEvents(batch.Combined);
    }

    [Fact]
    public void a_repeat_within_the_batch_is_compared_with_the_row_that_recorded_it()
    {
        var batch = Decide(Given(BaladRegistered), NoneRecorded, Row(SeedIncident), Row(SeedIncident), Row(SeedIncident, SeedReport(rounds: 9)));

        batch.Rows[0].Events.Count.ShouldBe(1);
        ThenEvents(batch.Rows[1]);
        ThenConflict(batch.Rows[2], "other values");
        batch.Combined.Events.Count.ShouldBe(1);
    }

    [Fact]
    public void a_repeat_with_a_field_problem_is_refused_for_the_problem()
    {
        var batch = After([BaladRegistered, SeedAttack], Row(SeedIncident, SeedReport(rounds: -1)));

        ThenInvalid(batch.Rows.Single(), "rounds");
    }

    [Fact]
    public void a_batch_for_an_unknown_base_is_refused_whole_and_row_by_row()
    {
        var batch = Decide(Given(), NoneRecorded, Row(SeedIncident), Row(Second));

        ThenNotFound(batch.Combined, Balad);
        batch.Rows.ShouldAllBe(r => r.Rejection != null && r.Rejection.Kind == RejectionKind.NotFound);
    }

    [Fact]
    public void every_row_is_recorded_at_the_batchs_base()
    {
        var batch = Decide(Given(BaladRegistered), NoneRecorded, Row(SeedIncident) with { BaseId = Erbil });

        batch.Combined.Events.Cast<IIncidentOccurred>().Single().BaseId.ShouldBe(Balad);
    }

    [Fact]
    public void a_repeat_is_compared_with_the_report_first_recorded_not_the_corrected_one()
    {
        object[] history = [BaladRegistered, SeedAttack, new IncidentCorrected(Balad, SeedIncident, SeedReport(injured: 3), "revised")];

        ThenEvents(After(history, Row(SeedIncident)).Rows.Single());
        ThenConflict(After(history, Row(SeedIncident, SeedReport(injured: 3))).Rows.Single(), "other values");
    }

    [Fact]
    public void a_repeat_of_a_retracted_incident_records_nothing_again()
    {
        var batch = After([BaladRegistered, SeedAttack, new IncidentRetracted(Balad, SeedIncident, "wrong")], Row(SeedIncident), Row(Second));

        ThenEvents(batch.Rows[0]);
        batch.Combined.Events.Cast<IIncidentOccurred>().Single().IncidentId.ShouldBe(Second);
    }

    [Fact]
    public void a_row_whose_id_another_base_holds_is_refused_alone()
    {
        var erbil = Guid.NewGuid();

        var batch = BaseDecider.Decide(
            new RecordIncidents(Balad, [Row(SeedIncident), Row(Second), Row(Third)]), Given(BaladRegistered), NoneRecorded, Now,
            new Dictionary<Guid, Guid> { [Second] = erbil });

        batch.Rows[0].Events.Count.ShouldBe(1);
        batch.Rows[1].Rejection.ShouldNotBeNull().Kind.ShouldBe(RejectionKind.Conflict);
        batch.Rows[1].Rejection!.Reason.ShouldContain(erbil.ToString());
        batch.Rows[2].Events.Count.ShouldBe(1);
        batch.Combined.Events.Count.ShouldBe(2);
    }
}
