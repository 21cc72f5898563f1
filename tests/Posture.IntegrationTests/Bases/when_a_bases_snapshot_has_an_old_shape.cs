using Alba;
using Marten;
using Npgsql;
using Posture.Domain.Bases;
using Posture.Infrastructure.Marten;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Bases;

/// <summary>
/// Until the Base snapshot was slimmed (ADR 0017) it kept each incident's whole report; a store written then still
/// has such documents in mt_doc_base. They load as today's state (the report is ignored), commands on the base are
/// decided as before (a correction reads the report from the events), and the next command writes the slim shape.
/// </summary>
public sealed class when_a_bases_snapshot_has_an_old_shape(PostureHost host) : PostureScenario(host)
{
    private static readonly Guid Incident = Guid.Parse("01d5a900-0000-4000-8000-000000000001");
    private static readonly string Table = $"{PostureStore.Schema}.mt_doc_base";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", Requests.SeedAttackBody(Incident), 201);

        // The document as the code before the change wrote it: each incident as { kind, report, retracted }.
        (await ExecuteAsync($"""
            update {Table} b
            set data = jsonb_set(b.data, array['incidents', e.data ->> 'incidentId'],
                jsonb_build_object('kind', 'rocket', 'report', e.data -> 'report', 'retracted', false))
            from {PostureStore.Schema}.mt_events e
            where e.stream_id = b.id and e.type = 'rocket_attack_occurred'
            """)).ShouldBe(1);
        (await IncidentsWithAReportAsync()).ShouldBe(1, "the precondition: an old-shape document");
    }

    private async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = Host.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    private async Task<long> IncidentsWithAReportAsync()
    {
        await using var connection = Host.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select count(*) from {Table}, jsonb_each(data -> 'incidents') i where i.value ? 'report'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task it_loads_as_todays_state()
    {
        await using var session = Host.Store.QuerySession();
        var balad = (await session.LoadAsync<Base>(Requests.Balad)).ShouldNotBeNull();
        balad.Incidents.ShouldHaveSingleItem().ShouldBe(new KeyValuePair<Guid, IncidentStatus>(Incident, new IncidentStatus(IncidentKind.Rocket, false)));
    }

    [Fact]
    public async Task commands_are_decided_on_it_and_the_next_one_writes_the_slim_shape()
    {
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", Requests.SeedAttackBody(Incident), 409);

        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/incidents/{Incident}/corrections", new { rounds = 5, reason = "five rockets" }, 200);

        await using var session = Host.Store.QuerySession();
        var corrected = (await session.Events.FetchStreamAsync(Requests.Balad))[^1].Data.ShouldBeOfType<IncidentCorrected>();
        corrected.Corrected.Rounds.ShouldBe(5);
        corrected.Corrected.Injured.ShouldBe(1, "a field the correction leaves out keeps what the events say");
        (await IncidentsWithAReportAsync()).ShouldBe(0);
        (await session.LoadAsync<Base>(Requests.Balad)).ShouldNotBeNull().Incidents[Incident].Retracted.ShouldBeFalse();
    }
}
