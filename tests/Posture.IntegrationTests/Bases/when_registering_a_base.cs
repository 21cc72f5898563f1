using System.Text.Json;
using Alba;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Bases;

public sealed class when_registering_a_base(PostureHost host) : PostureScenario(host)
{
    [Fact]
    public async Task the_site_is_created_and_readable_at_its_location()
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.BaladBody()).ToUrl("/api/bases");
            s.StatusCodeShouldBe(201);
            s.Header("Location").SingleValueShouldEqual($"/api/sites/{Requests.Balad}");
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("version").GetInt64().ShouldBe(1);

        var site = await Host.Alba.GetAsJson<JsonElement>($"/api/sites/{Requests.Balad}");
        site.GetProperty("name").GetString().ShouldBe("Balad Air Base");
        site.GetProperty("region").GetString().ShouldBe("Salah al-Din");
        site.GetProperty("recentIncidents").GetArrayLength().ShouldBe(0);
        site.GetProperty("lastIncidentAt").ValueKind.ShouldBe(JsonValueKind.Null);
        site.GetProperty("threat").GetProperty("level").GetString().ShouldBe("low");
        site.GetProperty("fpcon").GetString().ShouldBe("normal");
        site.GetProperty("headcount").GetProperty("total").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task a_base_without_an_id_gets_one()
    {
        var body = new { name = "Erbil Air Base", country = "Iraq", region = "Erbil", latitude = 36.2375, longitude = 43.9631 };
        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Json(body).ToUrl("/api/bases");
            s.StatusCodeShouldBe(201);
        });
        var id = (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        id.ShouldNotBe(Guid.Empty);
        await Host.Alba.Scenario(s => s.Get.Url($"/api/sites/{id}"));
    }

    [Fact]
    public async Task every_registered_site_is_listed_by_name()
    {
        // Registered in the opposite order, so the listing must really sort.
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { name = "Erbil Air Base", country = "Iraq", region = "Erbil", latitude = 36.2375, longitude = 43.9631 }).ToUrl("/api/bases");
            s.StatusCodeShouldBe(201);
        });
        await Host.Alba.RegisterBaladAsync();

        var sites = (await Host.Alba.GetAsJson<JsonElement[]>("/api/sites")).ShouldNotBeNull();
        sites.Select(s => s.GetProperty("name").GetString()).ShouldBe(["Balad Air Base", "Erbil Air Base"]);
    }

    [Fact]
    public async Task registering_the_same_id_twice_is_a_409_and_changes_nothing()
    {
        await Host.Alba.RegisterBaladAsync();
        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.BaladBody()).ToUrl("/api/bases");
            s.StatusCodeShouldBe(409);
            s.ContentTypeShouldBe("application/problem+json");
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("already registered");
        (await Host.EventCountAsync()).ShouldBe(1);
    }

    [Theory]
    [InlineData("name", "")]
    [InlineData("latitude", 91.0)]
    [InlineData("longitude", -180.5)]
    [InlineData("latitude", null)]
    [InlineData("id", "00000000-0000-0000-0000-000000000000")]
    public async Task a_bad_field_is_a_400_naming_it_and_nothing_is_written(string field, object? value)
    {
        var body = JsonSerializer.SerializeToNode(Requests.BaladBody())!.AsObject();
        body[field] = value is null ? null : JsonSerializer.SerializeToNode(value);

        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Json(body).ToUrl("/api/bases");
            s.StatusCodeShouldBe(400);
            s.ContentTypeShouldBe("application/problem+json");
        });

        var problem = await result.ReadAsJsonAsync<JsonElement>();
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
        (await Host.EventCountAsync()).ShouldBe(0);
        await Host.Alba.Scenario(s =>
        {
            s.Get.Url($"/api/sites/{Requests.Balad}");
            s.StatusCodeShouldBe(404);
        });
    }

    [Fact]
    public async Task an_unknown_site_is_a_404_problem()
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Get.Url($"/api/sites/{Guid.NewGuid()}");
            s.StatusCodeShouldBe(404);
            s.ContentTypeShouldBe("application/problem+json");
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("no site");
    }
}
