using Marten;
using NodaTime;
using Npgsql;
using Posture.Domain.Bases;
using Posture.Domain.Common;
using Posture.Infrastructure.Bases;
using Posture.Infrastructure.Bus;
using Posture.Infrastructure.Marten;
using Posture.IntegrationTests.Infrastructure;
using Wolverine;

namespace Posture.IntegrationTests.Bases;

/// <summary>
/// A command on a base costs the same whatever the base's history (ADR 0017): its decision snapshot and its site's read
/// model (which every command on the base loads and rewrites, ADR 0011) keep nothing per incident, and what a command
/// needs of the incident it names is read from the base's events by an index.
/// </summary>
public sealed class when_a_base_has_a_long_history(PostureHost host) : PostureScenario(host)
{
    private const int Incidents = 300;

    private IMessageBus Bus => Host.Alba.Services.GetRequiredService<IMessageBus>();

    private static RecordIncident Report(int hoursAgo) => new(
        Requests.Balad, Guid.NewGuid(), IncidentKind.IndirectFire,
        new IncidentReport(PostureHost.Now - Duration.FromHours(hoursAgo), TimePrecision.Hour, 2, Impact.Perimeter, 0, 0, null, Attribution.Unknown, null,
            "Iraqi military", Confidence.Probable, null));

    /// <summary>Registers Balad and records its first incident alone, then <see cref="Incidents"/> more in batches; answers the first.</summary>
    private async Task<RecordIncident> GrowAsync(Func<Task>? afterTheFirst = null)
    {
        await Host.Alba.RegisterBaladAsync();
        var first = Report(Incidents + 1);
        (await Bus.SendCommandAsync(first, "officer")).Accepted.ShouldBeTrue();
        if (afterTheFirst is not null)
        {
            await afterTheFirst();
        }

        foreach (var chunk in Enumerable.Range(1, Incidents).Chunk(100))
        {
            var batch = await Bus.SendCommandAsync<IncidentBatchOutcome>(new RecordIncidents(Requests.Balad, [.. chunk.Select(Report)]), "officer");
            batch.Rows.ShouldAllBe(r => r.Recorded);
        }

        return first;
    }

    /// <summary>The stored JSON's size of the base's decision snapshot and of its site's read model.</summary>
    private async Task<(int Snapshot, int Site)> BytesAsync()
    {
        await using var session = Host.Store.QuerySession();
        async Task<int> SizeAsync(string table) =>
            (await session.QueryAsync<int>($"select octet_length(data::text) from {PostureStore.Schema}.{table} where id = ?", Requests.Balad)).Single();
        return (await SizeAsync("mt_doc_base"), await SizeAsync("mt_doc_siteposture"));
    }

    [Fact]
    public async Task its_decision_snapshot_and_its_sites_document_do_not_grow_with_its_incidents()
    {
        (int Snapshot, int Site) afterOne = default;
        var first = await GrowAsync(async () => afterOne = await BytesAsync());
        (await Bus.SendCommandAsync(Report(0), "officer")).Accepted.ShouldBeTrue();
        var url = $"/api/bases/{Requests.Balad}/incidents/{first.IncidentId}";
        await Host.Alba.PostAsync($"{url}/corrections", new { rounds = 5, reason = "five rounds" }, 200);
        await Host.Alba.PostAsync($"{url}/retractions", new { reason = "did not happen" }, 200);

        var after = await BytesAsync();
        after.Snapshot.ShouldBe(afterOne.Snapshot);
        afterOne.Snapshot.ShouldBeLessThan(300, "the snapshot is the base's name, registration and FPCON");
        after.Site.ShouldBe(afterOne.Site + 2, "only the Base stream's version grows, from 2 (one digit) to 305 (three)");
        await using var session = Host.Store.QuerySession();
        (await session.Events.FetchStreamStateAsync(Requests.Balad)).ShouldNotBeNull().Version.ShouldBe(Incidents + 5);
    }

    [Fact]
    public async Task commands_about_its_first_incident_are_decided_on_what_its_events_say()
    {
        var first = await GrowAsync();
        var url = $"/api/bases/{Requests.Balad}/incidents/{first.IncidentId}";

        (await Bus.SendCommandAsync(first, "officer")).Rejection.ShouldNotBeNull().Kind.ShouldBe(RejectionKind.Conflict);
        await Host.Alba.PostAsync($"{url}/corrections", new { rounds = 5, reason = "five rounds" }, 200);
        await Host.Alba.PostAsync($"{url}/corrections", new { rounds = 5, reason = "again" }, 409);
        await Host.Alba.PostAsync($"{url}/retractions", new { reason = "did not happen" }, 200);
        await Host.Alba.PostAsync($"{url}/retractions", new { reason = "again" }, 409);
        await Host.Alba.PostAsync($"{url}/corrections", new { rounds = 6, reason = "late news" }, 409);
        (await Bus.SendCommandAsync(first, "officer")).Rejection.ShouldNotBeNull().Kind.ShouldBe(RejectionKind.Conflict);

        await using var session = Host.Store.QuerySession();
        var version = (await session.Events.FetchStreamStateAsync(Requests.Balad)).ShouldNotBeNull().Version;
        var record = (await session.ReadAsync(Requests.Balad, [first.IncidentId], version, default))[first.IncidentId];
        record.ShouldBe(new IncidentRecord(first.IncidentId, IncidentKind.IndirectFire, first.Report, first.Report with { Rounds = 5 }, Retracted: true));
        (await session.ReadAsync(Requests.Balad, [first.IncidentId], version - 2, default))[first.IncidentId].Retracted
            .ShouldBeFalse("read as of a version, the record leaves out what came after it");
    }

    [Fact]
    public async Task an_incidents_events_are_found_by_the_index_not_by_reading_the_stream()
    {
        var first = await GrowAsync();
        await using var session = Host.Store.QuerySession();
        var command = session.Events.QueryAllRawEvents().Where(IncidentRecords.About(Requests.Balad, [first.IncidentId])).ToCommand();

        await using var connection = Host.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using (var analyse = new NpgsqlCommand($"analyze {PostureStore.Schema}.mt_events", connection))
        {
            await analyse.ExecuteNonQueryAsync();
        }

        (await QueryPlans.ExplainAsync(connection, command)).ShouldContain(IncidentIndex.Name);
    }
}
