using System.Text.Json;
using Alba;
using Marten;
using Npgsql;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Incidents;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Bases;
using Posture.Infrastructure.Marten;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Audit;

/// <summary>
/// A <c>rocket_attack_occurred</c> stored in its first shape (report fields flat, <c>claimedBy</c>, no precision),
/// written straight into mt_events as an old Posture would have, is read through the upcaster as today's event.
/// </summary>
public sealed class when_reading_an_old_shape_of_an_event(PostureHost host) : PostureScenario(host)
{
    private static readonly Guid Incident = Guid.Parse("01d00000-0000-4000-8000-000000000001");

    private static string FirstShape(string? claimedBy) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["baseId"] = Requests.Balad,
        ["incidentId"] = Incident,
        ["occurredAt"] = "2021-02-20T17:30:00Z",
        ["rounds"] = 4,
        ["impact"] = "perimeter",
        ["killed"] = 0,
        ["injured"] = 1,
        ["casualtiesAffiliation"] = "contractor",
        ["claimedBy"] = claimedBy,
        ["source"] = "Iraqi military statement",
        ["confidence"] = "confirmed",
        ["notes"] = "stored before 2026-11-26",
    });

    /// <summary>Appends the payload to Balad's stream with the columns Marten writes for a real event, copied from the stream's last one.</summary>
    private async Task AppendRawAsync(string payload)
    {
        await using var connection = Host.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();

        var schema = PostureStore.Schema;
        await using var insert = new NpgsqlCommand($"""
            insert into {schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, correlation_id, causation_id, user_name, is_archived)
            select nextval('{schema}.mt_events_sequence'), gen_random_uuid(), stream_id, version + 1, @data::jsonb, 'rocket_attack_occurred', now(),
                   tenant_id, 'Posture.Domain.Bases.RocketAttackOccurred, Posture.Domain', correlation_id, causation_id, 'legacy.officer', false
            from {schema}.mt_events where stream_id = @stream order by version desc limit 1;
            update {schema}.mt_streams set version = version + 1 where id = @stream;
            """, connection);
        insert.Parameters.AddWithValue("data", payload);
        insert.Parameters.AddWithValue("stream", Requests.Balad);
        (await insert.ExecuteNonQueryAsync()).ShouldBe(2);
    }

    /// <summary>The incident's report as a correction would read it (the Base state keeps nothing per incident).</summary>
    private static async Task<IncidentReport?> CurrentReportAsync(IQuerySession session, Guid? incident = null)
    {
        var version = (await session.Events.FetchStreamStateAsync(Requests.Balad)).ShouldNotBeNull().Version;
        var records = await session.ReadAsync(Requests.Balad, [incident ?? Incident], version, default);
        return records.GetValueOrDefault(incident ?? Incident)?.Current;
    }

    [Fact]
    public async Task a_correction_applies_to_it_as_todays_event()
    {
        await AppendRawAsync(FirstShape(claimedBy: null));
        await using (var session = Host.Store.LightweightSession())
        {
            // The raw append bypassed the inline snapshot: without it the next command folds the stream (ADR 0017).
            session.QueueSqlCommand($"delete from {PostureStore.Schema}.mt_doc_base");
            await session.SaveChangesAsync();
        }

        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/incidents/{Incident}/corrections", new { rounds = 5, reason = "five rockets" }, 200);

        await using var query = Host.Store.QuerySession();
        var corrected = (await query.Events.FetchStreamAsync(Requests.Balad))[^1].Data.ShouldBeOfType<IncidentCorrected>();
        corrected.Corrected.Rounds.ShouldBe(5);
        corrected.Corrected.Precision.ShouldBe(TimePrecision.Exact);
        corrected.Corrected.Notes.ShouldBe("stored before 2026-11-26");
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
    }

    [Fact]
    public async Task the_base_the_threat_and_the_audit_trail_read_it_as_todays_event()
    {
        await AppendRawAsync(FirstShape(claimedBy: null));

        await using (var session = Host.Store.QuerySession())
        {
            var events = await session.Events.FetchStreamAsync(Requests.Balad);
            IncidentRecord.Fold(events.Select(e => e.Data))[Incident].Kind.ShouldBe(IncidentKind.Rocket);
            var report = (await CurrentReportAsync(session)).ShouldNotBeNull();
            report.OccurredAt.ShouldBe(Instant.FromUtc(2021, 2, 20, 17, 30));
            report.Precision.ShouldBe(TimePrecision.Exact);
            report.Rounds.ShouldBe(4);
            report.Impact.ShouldBe(Impact.Perimeter);
            report.Injured.ShouldBe(1);
            report.Attribution.ShouldBe(Attribution.Unknown);
            report.AttributedTo.ShouldBeNull();
            report.Notes.ShouldBe("stored before 2026-11-26");
        }

        var threat = await Host.Alba.GetAsJson<JsonElement>($"/api/sites/{Requests.Balad}/threat?asOf=2021-02-20T18:00:00Z");
        threat.GetProperty("level").GetString().ShouldBe("significant");
        threat.GetProperty("contributions").EnumerateArray().Single().GetProperty("incidentId").GetGuid().ShouldBe(Incident);

        var trail = await Host.Alba.GetAsJson<JsonElement>($"/api/audit/{Requests.Balad}?type=rocket_attack_occurred");
        var entry = trail.EnumerateArray().Single();
        entry.GetProperty("user").GetString().ShouldBe("legacy.officer");
        entry.GetProperty("occurredAt").GetString().ShouldBe("2021-02-20T17:30:00Z");
        entry.GetProperty("data").GetProperty("report").GetProperty("precision").GetString().ShouldBe("exact");
        entry.GetProperty("data").GetProperty("report").GetProperty("attribution").GetString().ShouldBe("unknown");
    }

    [Fact]
    public async Task a_claim_becomes_a_claimed_attribution()
    {
        await AppendRawAsync(FirstShape(claimedBy: "Saraya Awliya al-Dam"));

        await using var session = Host.Store.QuerySession();
        var report = (await CurrentReportAsync(session)).ShouldNotBeNull();
        report.Attribution.ShouldBe(Attribution.Claimed);
        report.AttributedTo.ShouldBe("Saraya Awliya al-Dam");
    }

    [Fact]
    public async Task a_rebuild_reads_both_shapes_as_todays_event()
    {
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", Requests.SeedAttackBody(), 201);
        await AppendRawAsync(FirstShape(claimedBy: "Saraya Awliya al-Dam"));

        await ProjectionAudit.RebuildAsync(Host.Store, null, CancellationToken.None);

        await using var session = Host.Store.QuerySession();
        var incidents = await session.Query<IncidentLogEntry>().Where(i => i.SiteId == Requests.Balad).ToListAsync();
        incidents.Count.ShouldBe(2);
        var old = incidents.Single(i => i.Id == Incident);
        old.Kind.ShouldBe(IncidentKind.Rocket);
        old.Report.Precision.ShouldBe(TimePrecision.Exact);
        old.Report.Attribution.ShouldBe(Attribution.Claimed);
        old.Report.AttributedTo.ShouldBe("Saraya Awliya al-Dam");
        old.Report.Notes.ShouldBe("stored before 2026-11-26");
        incidents.Single(i => i.Id != Incident).Report.Rounds.ShouldBe(4);
    }

    [Fact]
    public async Task todays_shape_still_reads_as_it_was_written()
    {
        var body = Requests.SeedAttackBody();
        body["claimedBy"] = "Saraya Awliya al-Dam";
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", body, 201);

        await using var session = Host.Store.QuerySession();
        var recorded = (await session.Events.FetchStreamAsync(Requests.Balad)).Select(e => e.Data).OfType<IIncidentOccurred>().Single();
        var report = (await CurrentReportAsync(session, recorded.IncidentId)).ShouldNotBeNull();
        report.Rounds.ShouldBe(4);
        report.Attribution.ShouldBe(Attribution.Claimed);
        report.AttributedTo.ShouldBe("Saraya Awliya al-Dam");
    }
}
