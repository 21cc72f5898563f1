using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Marten;
using NodaTime;
using Posture.Domain.Bases;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Bases;

public sealed class when_recording_a_rocket_attack(PostureHost host) : PostureScenario(host)
{
    private static string AttacksUrl(Guid baseId) => $"/api/bases/{baseId}/attacks";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
    }

    [Fact]
    public async Task the_attack_is_stored_and_the_site_shows_it()
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.SeedAttackBody()).ToUrl(AttacksUrl(Requests.Balad));
            s.StatusCodeShouldBe(201);
        });
        var created = await result.ReadAsJsonAsync<JsonElement>();
        created.GetProperty("version").GetInt64().ShouldBe(2);

        var site = await Host.Alba.GetAsJson<JsonElement>($"/api/sites/{Requests.Balad}");
        site.GetProperty("recentIncidents").GetArrayLength().ShouldBe(1);
        site.GetProperty("lastIncidentAt").GetString().ShouldBe("2021-02-20T17:30:00Z");
        site.GetProperty("threat").GetProperty("level").GetString().ShouldNotBe("low");
    }

    [Fact]
    public async Task the_event_is_stored_under_its_pinned_name_with_the_instant_intact()
    {
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.SeedAttackBody()).ToUrl(AttacksUrl(Requests.Balad));
            s.StatusCodeShouldBe(201);
        });

        await using var session = Host.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(Requests.Balad);
        events.Select(e => e.EventTypeName).ShouldBe(["base_registered", "rocket_attack_occurred"]);
        var attack = events[1].Data.ShouldBeOfType<RocketAttackOccurred>();
        attack.Report.OccurredAt.ShouldBe(Instant.FromUtc(2021, 2, 20, 17, 30));
        attack.Report.Impact.ShouldBe(Impact.Perimeter);
        attack.Report.CasualtiesAffiliation.ShouldBe(Affiliation.Contractor);
        attack.Report.Attribution.ShouldBe(Attribution.Unknown);
    }

    [Fact]
    public async Task who_recorded_it_and_the_commands_ids_are_kept_with_the_event()
    {
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.SeedAttackBody()).ToUrl(AttacksUrl(Requests.Balad));
            s.As("officer.salah-al-din", Host.Clock);
            s.StatusCodeShouldBe(201);
        });

        await using var session = Host.Store.QuerySession();
        var recorded = (await session.Events.FetchStreamAsync(Requests.Balad))[^1];
        recorded.UserName.ShouldBe("officer.salah-al-din");
        recorded.CorrelationId.ShouldNotBeNullOrWhiteSpace();
        recorded.CausationId.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task an_attack_on_an_unknown_base_is_a_404_and_nothing_is_written()
    {
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.SeedAttackBody()).ToUrl(AttacksUrl(Guid.NewGuid()));
            s.StatusCodeShouldBe(404);
            s.ContentTypeShouldBe("application/problem+json");
        });
        (await Host.EventCountAsync()).ShouldBe(1);
    }

    public static TheoryData<string, string, JsonNode?> BadFields() => new()
    {
        { "rounds below zero", "rounds", JsonValue.Create(-1) },
        { "occurred-at in the future", "occurredAt", JsonValue.Create("2021-02-21T09:00:01Z") },
        { "no source", "source", JsonValue.Create("") },
        { "negative casualties", "injured", JsonValue.Create(-3) },
        { "rounds missing", "rounds", null },
        { "impact missing", "impact", null },
        { "kind missing", "kind", null },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task the_same_attack_with_a_bad_field_is_a_400_naming_it_and_the_event_count_is_unchanged(
        string why, string field, JsonNode? value)
    {
        var before = await Host.EventCountAsync();
        var body = JsonSerializer.SerializeToNode(Requests.SeedAttackBody())!.AsObject();
        if (value is null)
        {
            body.Remove(field);
        }
        else
        {
            body[field] = value;
        }

        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(AttacksUrl(Requests.Balad));
            s.StatusCodeShouldBe(400);
            s.ContentTypeShouldBe("application/problem+json");
        });

        var problem = await result.ReadAsJsonAsync<JsonElement>();
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(why);
        (await Host.EventCountAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData("{\"kind\": \"catapult\"}")]
    [InlineData("{\"occurredAt\": \"yesterday\", \"rounds\": 4}")]
    [InlineData("{\"impact\": \"somewhere\"}")]
    [InlineData("{\"rounds\": 4, \"colour\": \"red\"}")]
    [InlineData("{ not json")]
    public async Task malformed_json_is_a_400_problem_and_nothing_is_written(string json)
    {
        await Host.Alba.Scenario(s =>
        {
            s.Post.Text(json).ToUrl(AttacksUrl(Requests.Balad));
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });
        (await Host.EventCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task an_attack_both_claimed_and_suspected_is_a_400()
    {
        var body = Requests.SeedAttackBody();
        body["claimedBy"] = "Awliya al-Dam";
        body["suspectedGroup"] = "a PMF-linked group";
        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(AttacksUrl(Requests.Balad));
            s.StatusCodeShouldBe(400);
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("suspectedGroup", out _).ShouldBeTrue();
        (await Host.EventCountAsync()).ShouldBe(1);
    }

    [Theory]
    [InlineData("drone", "drone_attack_occurred")]
    [InlineData("indirect-fire", "indirect_fire_occurred")]
    [InlineData("ied", "ied_detonated")]
    [InlineData("small-arms", "small_arms_fire_occurred")]
    public async Task each_kind_is_stored_as_its_own_event(string kind, string storedName)
    {
        var body = Requests.SeedAttackBody();
        body["kind"] = kind;
        body["suspectedGroup"] = "a PMF-linked group";
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(AttacksUrl(Requests.Balad));
            s.StatusCodeShouldBe(201);
        });

        await using var session = Host.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(Requests.Balad);
        events[^1].EventTypeName.ShouldBe(storedName);
        var incident = events[^1].Data.ShouldBeAssignableTo<IIncidentOccurred>()!;
        incident.Report.Attribution.ShouldBe(Attribution.Suspected);
        incident.Report.AttributedTo.ShouldBe("a PMF-linked group");
    }

    [Fact]
    public async Task the_same_incident_id_twice_is_a_409()
    {
        var body = Requests.SeedAttackBody();
        body["incidentId"] = Guid.NewGuid();
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(AttacksUrl(Requests.Balad));
            s.StatusCodeShouldBe(201);
        });
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(AttacksUrl(Requests.Balad));
            s.StatusCodeShouldBe(409);
        });
        (await Host.EventCountAsync()).ShouldBe(2);
    }
}
