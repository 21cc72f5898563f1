using System.Text.Json;
using Alba;
using Marten;
using Posture.Domain.Bases;
using Posture.Infrastructure.Marten;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Bases;

/// <summary>
/// A base's decision state is an inline snapshot (ADR 0017). A store kept from before the snapshots, or one whose
/// snapshot was lost, has the base's events but no document: the first command folds it once and goes on.
/// </summary>
public sealed class when_a_bases_snapshot_is_missing(PostureHost host) : PostureScenario(host)
{
    [Fact]
    public async Task the_next_command_folds_it_from_the_events_and_is_decided_on_the_whole_history()
    {
        await Host.Alba.RegisterBaladAsync();
        var first = Guid.NewGuid();
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.SeedAttackBody(first)).ToUrl($"/api/bases/{Requests.Balad}/attacks");
            s.StatusCodeShouldBe(201);
        });
        await using (var session = Host.Store.LightweightSession())
        {
            session.QueueSqlCommand($"delete from {PostureStore.Schema}.mt_doc_base");
            await session.SaveChangesAsync();
        }

        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.SeedAttackBody()).ToUrl($"/api/bases/{Requests.Balad}/attacks");
            s.StatusCodeShouldBe(201);
        });

        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("version").GetInt64().ShouldBe(3);
        await using var query = Host.Store.QuerySession();
        var snapshot = await query.LoadAsync<Base>(Requests.Balad);
        snapshot.ShouldNotBeNull().ShouldBe(await query.Events.AggregateStreamAsync<Base>(Requests.Balad));
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", Requests.SeedAttackBody(first), 409);
    }
}
