using Alba;
using Marten;
using Npgsql;
using Posture.Domain.Bases;
using Posture.Infrastructure.Marten;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Bases;

/// <summary>
/// The Base snapshot first kept each incident's whole report, then each incident's kind and whether it was retracted;
/// today it keeps nothing per incident (ADR 0017). A store written before still has such documents in mt_doc_base.
/// They load as today's state (the incidents are ignored), commands on the base are decided as before (each reads
/// what it needs of the incident it names from the events), and the next command writes today's shape.
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
            set data = b.data || jsonb_build_object('incidents', jsonb_build_object(e.data ->> 'incidentId',
                jsonb_build_object('kind', 'rocket', 'report', e.data -> 'report', 'retracted', false)))
            from {PostureStore.Schema}.mt_events e
            where e.stream_id = b.id and e.type = 'rocket_attack_occurred'
            """)).ShouldBe(1);
        (await IncidentsKeptAsync()).ShouldBe(1, "the precondition: an old-shape document");
    }

    private async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = Host.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    private async Task<long> IncidentsKeptAsync()
    {
        await using var connection = Host.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select count(*) from {Table}, jsonb_each(data -> 'incidents') i where i.value ? 'report' or i.value ? 'retracted'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task it_loads_as_todays_state()
    {
        await using var session = Host.Store.QuerySession();
        var balad = (await session.LoadAsync<Base>(Requests.Balad)).ShouldNotBeNull();
        balad.ShouldBe(await session.Events.AggregateStreamAsync<Base>(Requests.Balad));
    }

    [Fact]
    public async Task commands_are_decided_on_it_and_the_next_one_writes_todays_shape()
    {
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", Requests.SeedAttackBody(Incident), 409);

        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/incidents/{Incident}/corrections", new { rounds = 5, reason = "five rockets" }, 200);

        await using var session = Host.Store.QuerySession();
        var corrected = (await session.Events.FetchStreamAsync(Requests.Balad))[^1].Data.ShouldBeOfType<IncidentCorrected>();
        corrected.Corrected.Rounds.ShouldBe(5);
        corrected.Corrected.Injured.ShouldBe(1, "a field the correction leaves out keeps what the events say");
        (await IncidentsKeptAsync()).ShouldBe(0);
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/incidents/{Incident}/retractions", new { reason = "did not happen" }, 200);
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/incidents/{Incident}/retractions", new { reason = "again" }, 409);
    }
}
