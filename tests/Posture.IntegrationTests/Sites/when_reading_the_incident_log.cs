using System.Text.Json;
using Alba;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Sites;

/// <summary>The incident log: one row per incident, corrections applied, retractions removed, filtered and paged.</summary>
public sealed class when_reading_the_incident_log(PostureHost host) : PostureScenario(host)
{
    private static readonly Guid Erbil = Guid.Parse("e4b11000-0000-4000-8000-000000000002");

    private async Task AttackAsync(Guid site, string kind, string occurredAt, string? claimedBy = null, Guid? id = null)
    {
        var body = Requests.SeedAttackBody();
        body["kind"] = kind;
        body["occurredAt"] = occurredAt;
        body["claimedBy"] = claimedBy;
        body["incidentId"] = id ?? Guid.NewGuid();
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(body).ToUrl($"/api/bases/{site}/attacks");
            s.StatusCodeShouldBe(201);
        });
    }

    private async Task<JsonElement> GetAsync(string url) => await Host.Alba.GetAsJson<JsonElement>(url);

    private static IEnumerable<string?> OccurredAts(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("occurredAt").GetString());

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { id = Erbil, name = "Erbil Air Base", country = "Iraq", region = "Erbil", latitude = 36.2375, longitude = 43.9631 }).ToUrl("/api/bases");
            s.StatusCodeShouldBe(201);
        });
        await AttackAsync(Requests.Balad, "rocket", "2020-01-12T17:00:00Z");
        await AttackAsync(Erbil, "rocket", "2021-02-15T18:30:00Z", claimedBy: "Awliya al-Dam");
        await AttackAsync(Requests.Balad, "rocket", "2021-02-20T17:30:00Z");
        await AttackAsync(Requests.Balad, "indirect-fire", "2019-06-15T20:00:00Z");
    }

    [Fact]
    public async Task every_incident_is_listed_newest_first()
    {
        var page = await GetAsync("/api/incidents");
        page.GetProperty("total").GetInt32().ShouldBe(4);
        OccurredAts(page).ShouldBe(["2021-02-20T17:30:00Z", "2021-02-15T18:30:00Z", "2020-01-12T17:00:00Z", "2019-06-15T20:00:00Z"]);
    }

    [Theory]
    [InlineData("site=e4b11000-0000-4000-8000-000000000002", new[] { "2021-02-15T18:30:00Z" })]
    [InlineData("region=Salah%20al-Din", new[] { "2021-02-20T17:30:00Z", "2020-01-12T17:00:00Z", "2019-06-15T20:00:00Z" })]
    [InlineData("kind=indirect-fire", new[] { "2019-06-15T20:00:00Z" })]
    [InlineData("from=2020-01-01T00:00:00Z&to=2021-02-16T00:00:00Z", new[] { "2021-02-15T18:30:00Z", "2020-01-12T17:00:00Z" })]
    [InlineData("claimedBy=awliya%20al-dam", new[] { "2021-02-15T18:30:00Z" })]
    public async Task filters_narrow_the_log(string filter, string[] expected) =>
        OccurredAts(await GetAsync($"/api/incidents?{filter}")).ShouldBe(expected);

    [Fact]
    public async Task pages_split_the_log_and_say_how_many_there_are()
    {
        var second = await GetAsync("/api/incidents?page=2&pageSize=3");
        second.GetProperty("total").GetInt32().ShouldBe(4);
        second.GetProperty("page").GetInt32().ShouldBe(2);
        OccurredAts(second).ShouldBe(["2019-06-15T20:00:00Z"]);
    }

    [Fact]
    public async Task a_corrected_incident_shows_as_corrected_and_a_retracted_one_disappears()
    {
        var incident = Guid.NewGuid();
        await AttackAsync(Requests.Balad, "drone", "2021-02-18T10:00:00Z", id: incident);
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { occurredAt = "2021-02-18T11:00:00Z", reason = "Local time was reported as UTC" })
                .ToUrl($"/api/bases/{Requests.Balad}/incidents/{incident}/corrections");
            s.StatusCodeShouldBe(200);
        });

        var row = (await GetAsync("/api/incidents?kind=drone")).GetProperty("items").EnumerateArray().Single();
        row.GetProperty("occurredAt").GetString().ShouldBe("2021-02-18T11:00:00Z");
        row.GetProperty("corrections").GetInt32().ShouldBe(1);

        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { reason = "No drone: a bird strike" }).ToUrl($"/api/bases/{Requests.Balad}/incidents/{incident}/retractions");
            s.StatusCodeShouldBe(200);
        });
        (await GetAsync("/api/incidents?kind=drone")).GetProperty("total").GetInt32().ShouldBe(0);
        (await GetAsync($"/api/sites/{Requests.Balad}")).GetProperty("recentIncidents").GetArrayLength().ShouldBe(3);
    }
}
