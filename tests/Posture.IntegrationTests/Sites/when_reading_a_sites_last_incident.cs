using System.Text.Json;
using Alba;
using Npgsql;
using Posture.Infrastructure.Sites;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Sites;

/// <summary>
/// A site's last incident, in the site list and in the site's own view at any instant, comes from the incident log as
/// now believed (a correction moves it, a retraction removes it): the site's document keeps no incidents (ADR 0011).
/// </summary>
public sealed class when_reading_a_sites_last_incident(PostureHost host) : PostureScenario(host)
{
    private static readonly Guid Erbil = Guid.Parse("e4b11000-0000-4000-8000-000000000002");
    private static readonly Guid Retracted = Guid.NewGuid();
    private static readonly Guid Corrected = Guid.NewGuid();

    /// <summary>Where the correction moves <see cref="Corrected"/>: 0.4 ms into a millisecond, finer than the index holds.</summary>
    private const string CorrectedAt = "2021-02-18T11:00:00.0004Z";

    private async Task AttackAsync(Guid site, string occurredAt, Guid? id = null)
    {
        var body = Requests.SeedAttackBody(id ?? Guid.NewGuid());
        body["occurredAt"] = occurredAt;
        await Host.Alba.PostAsync($"/api/bases/{site}/attacks", body, 201);
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.PostAsync(
            "/api/bases", new { id = Erbil, name = "Erbil Air Base", country = "Iraq", region = "Erbil", latitude = 36.2375, longitude = 43.9631 }, 201);
        await AttackAsync(Requests.Balad, "2020-01-12T17:00:00Z");
        await AttackAsync(Requests.Balad, "2021-02-20T17:30:00Z", Retracted);
        await AttackAsync(Requests.Balad, "2021-02-18T10:00:00Z", Corrected);
        await AttackAsync(Erbil, "2021-02-15T18:30:00Z");
        var incidents = $"/api/bases/{Requests.Balad}/incidents";
        await Host.Alba.PostAsync($"{incidents}/{Retracted}/retractions", new { reason = "did not happen" }, 200);
        await Host.Alba.PostAsync($"{incidents}/{Corrected}/corrections", new { occurredAt = CorrectedAt, reason = "local time reported as UTC" }, 200);
    }

    private async Task<Dictionary<string, string?>> ListAsync(string query)
    {
        var rows = await Host.Alba.GetAsJson<JsonElement>($"/api/sites?{query}");
        return rows.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("lastIncidentAt").GetString());
    }

    private async Task<string?> DetailAsync(Guid site, string at) =>
        (await Host.Alba.GetAsJson<JsonElement>($"/api/sites/{site}?at={at}")).GetProperty("lastIncidentAt").GetString();

    [Theory]
    [InlineData("2021-03-01T00:00:00Z", CorrectedAt, "2021-02-15T18:30:00Z")]
    [InlineData(CorrectedAt, CorrectedAt, "2021-02-15T18:30:00Z")]
    [InlineData("2021-02-18T11:00:00.0003Z", "2020-01-12T17:00:00Z", "2021-02-15T18:30:00Z")]
    [InlineData("2021-02-18T10:30:00Z", "2020-01-12T17:00:00Z", "2021-02-15T18:30:00Z")]
    [InlineData("2021-01-01T00:00:00Z", "2020-01-12T17:00:00Z", null)]
    [InlineData("2019-01-01T00:00:00Z", null, null)]
    public async Task the_list_and_the_sites_view_agree_on_it_at_any_instant(string at, string? balad, string? erbil)
    {
        var rows = await ListAsync($"at={at}");

        rows.ShouldBe(new Dictionary<string, string?> { ["Balad Air Base"] = balad, ["Erbil Air Base"] = erbil }, ignoreOrder: true);
        (await DetailAsync(Requests.Balad, at)).ShouldBe(balad);
        (await DetailAsync(Erbil, at)).ShouldBe(erbil);
    }

    [Fact]
    public async Task a_row_on_a_later_page_has_its_own()
    {
        (await ListAsync("at=2021-03-01T00:00:00Z&pageSize=1&page=2")).ShouldBe(new Dictionary<string, string?> { ["Erbil Air Base"] = "2021-02-15T18:30:00Z" });
        (await ListAsync("at=2021-03-01T00:00:00Z&region=Salah%20al-Din")).ShouldBe(new Dictionary<string, string?> { ["Balad Air Base"] = CorrectedAt });
    }

    [Fact]
    public async Task they_are_found_by_the_site_and_occurred_at_index()
    {
        await using var connection = Host.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        // A table this small is cheaper to scan: forbidding the scan shows whether the statement's expressions are the index's.
        await using (var noScans = new NpgsqlCommand("set enable_seqscan = off", connection))
        {
            await noScans.ExecuteNonQueryAsync();
        }

        await using var statement = LastIncidents.Statement(Host.Store, [Requests.Balad, Erbil], PostureHost.Now);
        var text = await QueryPlans.ExplainAsync(connection, statement);
        text.ShouldContain(LastIncidents.IndexName);
        text.ShouldNotContain("Seq Scan on mt_doc_incidentlogentry");
    }
}
