using System.Text.Json;
using Alba;
using Posture.Domain.Threats;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Audit;

/// <summary>An auditor reads every event of a stream: what it says, when it happened and was recorded, and who recorded it.</summary>
public sealed class when_reading_the_audit_trail(PostureHost host) : PostureScenario(host)
{
    private const string Officer = "balad.security";

    private static string Trail(Guid stream, string query = "") => $"/api/audit/{stream}{query}";

    private async Task<List<JsonElement>> GetAsync(string url) =>
        (await Host.Alba.GetAsJson<JsonElement>(url)).EnumerateArray().ToList();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.BaladBody()).ToUrl("/api/bases");
            s.As(Officer, Host.Clock);
            s.StatusCodeShouldBe(201);
        });
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.SeedAttackBody()).ToUrl($"/api/bases/{Requests.Balad}/attacks");
            s.As(Officer, Host.Clock);
            s.StatusCodeShouldBe(201);
        });
        // Waits for the threat re-evaluation the attack cascades (batched, ADR 0031), so its record is in the threat stream.
        await Host.WaitForQuietAsync();
    }

    [Fact]
    public async Task it_lists_the_seed_events_with_who_recorded_them_and_when()
    {
        var trail = await GetAsync(Trail(Requests.Balad));

        trail.Select(e => e.GetProperty("type").GetString()).ShouldBe(["base_registered", "rocket_attack_occurred"]);
        trail.Select(e => e.GetProperty("version").GetInt64()).ShouldBe([1L, 2L]);
        trail[1].GetProperty("sequence").GetInt64().ShouldBeGreaterThan(trail[0].GetProperty("sequence").GetInt64());
        trail.ShouldAllBe(e => e.GetProperty("user").GetString() == Officer);
        trail.ShouldAllBe(e => !string.IsNullOrEmpty(e.GetProperty("correlationId").GetString()));
        trail.ShouldAllBe(e => !string.IsNullOrEmpty(e.GetProperty("causationId").GetString()));
        trail[0].GetProperty("correlationId").GetString().ShouldNotBe(trail[1].GetProperty("correlationId").GetString());
        trail[1].GetProperty("occurredAt").GetString().ShouldBe("2021-02-20T17:30:00Z");
        trail[0].GetProperty("occurredAt").GetString().ShouldBe("2021-02-21T09:00:00Z");
        trail[1].GetProperty("recordedAt").GetString().ShouldBe(await Host.LastOfAsync(Requests.Balad));
        trail[1].GetProperty("data").GetProperty("report").GetProperty("rounds").GetInt32().ShouldBe(4);
    }

    [Fact]
    public async Task it_filters_by_type_and_by_recorded_at()
    {
        var attacks = await GetAsync(Trail(Requests.Balad, "?type=rocket_attack_occurred"));
        attacks.Select(e => e.GetProperty("type").GetString()).ShouldBe(["rocket_attack_occurred"]);

        var attackRecorded = await Host.LastOfAsync(Requests.Balad);
        (await GetAsync(Trail(Requests.Balad, $"?from={attackRecorded}"))).Select(e => e.GetProperty("version").GetInt64()).ShouldBe([2L]);
        (await GetAsync(Trail(Requests.Balad, "?to=2021-01-01T00:00:00Z"))).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_movements_occurred_at_is_its_at_and_posture_own_threat_records_are_listed_as_its_own()
    {
        await Host.Alba.SallyportAtBaladAsync(people: 46);
        var contractor = await GetAsync(Trail(PeopleRequests.Sallyport));
        contractor.Select(e => (e.GetProperty("type").GetString(), e.GetProperty("occurredAt").GetString()))
            .ShouldBe([("contractor_engaged", PeopleRequests.SallyportEngaged), ("contractors_deployed", PeopleRequests.In2018)]);

        var threat = await GetAsync(Trail(ThreatRecord.StreamOf(Requests.Balad)));
        var raised = threat.Single();
        raised.GetProperty("type").GetString().ShouldBe("threat_level_changed");
        raised.GetProperty("user").GetString().ShouldBe("posture:threat-reassessment");
        raised.GetProperty("data").GetProperty("to").GetString().ShouldBe("significant");
    }

    [Fact]
    public async Task an_unknown_stream_is_a_404()
    {
        await Host.Alba.Scenario(s =>
        {
            s.Get.Url(Trail(Guid.NewGuid()));
            s.StatusCodeShouldBe(404);
            s.ContentTypeShouldBe("application/problem+json");
        });
    }
}
