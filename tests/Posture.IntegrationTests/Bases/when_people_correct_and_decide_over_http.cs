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
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", Requests.SeedAttackBody(Incident), 201);
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
    public async Task a_second_correction_corrects_the_first_not_the_original_report()
    {
        await Host.Alba.PostAsync($"{IncidentUrl}/corrections", new { rounds = 3, reason = "Reuters counted three rockets" }, 200);
        await Host.Alba.PostAsync($"{IncidentUrl}/corrections", new { injured = 2, reason = "a second contractor was hurt" }, 200);

        var second = (await BaladEventsAsync())[^1].Data.ShouldBeOfType<IncidentCorrected>();
        second.Corrected.Rounds.ShouldBe(3, "the first correction stands");
        second.Corrected.Injured.ShouldBe(2);
        await Host.Alba.PostAsync($"{IncidentUrl}/corrections", new { rounds = 3, reason = "three again" }, 409);
        (await Host.EventCountAsync()).ShouldBe(4);
    }

    [Fact]
    public async Task the_same_incident_id_at_another_base_is_corrected_from_that_bases_report()
    {
        // An id another base holds is refused (ADR 0035); once Balad retracts it, it is free, and Balad's history still
        // has it: the correction at the other base must read that base's report, not Balad's.
        var elsewhere = Guid.Parse("0b1ad000-0000-4000-8000-0000000000e2");
        await Host.Alba.PostAsync("/api/bases", Requests.BaladBody(elsewhere), 201);
        var attack = Requests.SeedAttackBody(Incident);
        attack["rounds"] = 9;
        await Host.Alba.PostAsync($"/api/bases/{elsewhere}/attacks", attack, 409);
        await Host.Alba.PostAsync($"{IncidentUrl}/retractions", new { reason = "reported at the wrong base" }, 200);
        await Host.Alba.PostAsync($"/api/bases/{elsewhere}/attacks", attack, 201);

        await Host.Alba.PostAsync($"/api/bases/{elsewhere}/incidents/{Incident}/corrections", new { injured = 4, reason = "revised" }, 200);

        await using var session = Host.Store.QuerySession();
        var corrected = (await session.Events.FetchStreamAsync(elsewhere))[^1].Data.ShouldBeOfType<IncidentCorrected>();
        corrected.Corrected.Rounds.ShouldBe(9);
        corrected.Corrected.Injured.ShouldBe(4);
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
