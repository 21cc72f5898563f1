using System.Text.Json;
using Alba;
using Marten;
using Posture.Domain.Bases;
using Posture.Domain.Threats;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Bases;

/// <summary>Corrections and retractions of reports, an analyst's assessment and a commander's FPCON, through HTTP.</summary>
public sealed class when_people_correct_and_decide_over_http(PostureHost host) : PostureScenario(host)
{
    private static readonly Guid Incident = Guid.Parse("20210220-0000-4000-8000-00000000ba1d");
    private static readonly string IncidentUrl = $"/api/bases/{Requests.Balad}/incidents/{Incident}";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
        var attack = Requests.SeedAttackBody();
        attack["incidentId"] = Incident;
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(attack).ToUrl($"/api/bases/{Requests.Balad}/attacks");
            s.StatusCodeShouldBe(201);
        });
    }

    private async Task<IReadOnlyList<JasperFx.Events.IEvent>> BaladEventsAsync()
    {
        await using var session = Host.Store.QuerySession();
        return await session.Events.FetchStreamAsync(Requests.Balad);
    }

    [Fact]
    public async Task a_correction_records_the_corrected_report_keeping_what_it_leaves_out()
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { rounds = 3, source = "Reuters", reason = "Reuters counted three rockets" }).ToUrl($"{IncidentUrl}/corrections");
            s.StatusCodeShouldBe(200);
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("version").GetInt64().ShouldBe(3);

        var corrected = (await BaladEventsAsync())[^1].Data.ShouldBeOfType<IncidentCorrected>();
        corrected.Reason.ShouldBe("Reuters counted three rockets");
        corrected.Corrected.Rounds.ShouldBe(3);
        corrected.Corrected.Source.ShouldBe("Reuters");
        corrected.Corrected.Injured.ShouldBe(1);
        corrected.Corrected.Impact.ShouldBe(Impact.Perimeter);
    }

    [Fact]
    public async Task a_correction_of_an_unknown_incident_is_a_404()
    {
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { rounds = 3, reason = "x" }).ToUrl($"/api/bases/{Requests.Balad}/incidents/{Guid.NewGuid()}/corrections");
            s.StatusCodeShouldBe(404);
        });
        (await Host.EventCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task a_correction_without_a_reason_is_a_400_naming_it()
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { rounds = 3 }).ToUrl($"{IncidentUrl}/corrections");
            s.StatusCodeShouldBe(400);
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _).ShouldBeTrue();
        (await Host.EventCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task a_retraction_is_recorded_once_and_then_blocks_corrections()
    {
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { reason = "The rockets fell on another site" }).ToUrl($"{IncidentUrl}/retractions");
            s.StatusCodeShouldBe(200);
        });
        (await BaladEventsAsync())[^1].Data.ShouldBeOfType<IncidentRetracted>().Reason.ShouldBe("The rockets fell on another site");

        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { reason = "again" }).ToUrl($"{IncidentUrl}/retractions");
            s.StatusCodeShouldBe(409);
        });
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { rounds = 5, reason = "late" }).ToUrl($"{IncidentUrl}/corrections");
            s.StatusCodeShouldBe(409);
        });
        (await Host.EventCountAsync()).ShouldBe(3);
    }

    [Fact]
    public async Task an_assessment_sets_a_floor_until_it_expires()
    {
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { level = "high", reason = "Second attack in a week", expiresAt = "2021-03-01T00:00:00Z" }).ToUrl($"/api/bases/{Requests.Balad}/assessments");
            s.StatusCodeShouldBe(200);
        });
        var assessed = (await BaladEventsAsync())[^1].Data.ShouldBeOfType<ThreatAssessed>();
        assessed.Level.ShouldBe(ThreatLevel.High);
        assessed.AssessedAt.ShouldBe(PostureHost.Now);
    }

    [Theory]
    [InlineData("{\"level\": \"high\", \"reason\": \"x\", \"expiresAt\": \"2021-02-20T00:00:00Z\"}", "expiresAt")]
    [InlineData("{\"reason\": \"x\", \"expiresAt\": \"2021-03-01T00:00:00Z\"}", "level")]
    [InlineData("{\"level\": \"high\", \"reason\": \"\", \"expiresAt\": \"2021-03-01T00:00:00Z\"}", "reason")]
    public async Task a_bad_assessment_is_a_400_naming_the_field(string json, string field)
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Text(json).ToUrl($"/api/bases/{Requests.Balad}/assessments");
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
        (await Host.EventCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task a_force_protection_condition_is_recorded()
    {
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { condition = "charlie", reason = "Rockets on the base" }).ToUrl($"/api/bases/{Requests.Balad}/fpcon");
            s.StatusCodeShouldBe(200);
        });
        (await BaladEventsAsync())[^1].Data.ShouldBeOfType<ForceProtectionConditionSet>().Condition.ShouldBe(ForceProtectionCondition.Charlie);
    }

    [Fact]
    public async Task a_force_protection_condition_for_an_unknown_base_is_a_404()
    {
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { condition = "bravo", reason = "x" }).ToUrl($"/api/bases/{Guid.NewGuid()}/fpcon");
            s.StatusCodeShouldBe(404);
        });
        (await Host.EventCountAsync()).ShouldBe(2);
    }
}
