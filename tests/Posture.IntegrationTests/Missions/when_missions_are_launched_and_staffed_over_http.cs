using System.Text.Json;
using Alba;
using Marten;
using NodaTime;
using Posture.Domain.Missions;
using Posture.Domain.Sites;
using Posture.IntegrationTests.Infrastructure;
using static Posture.IntegrationTests.Infrastructure.PeopleRequests;

namespace Posture.IntegrationTests.Missions;

/// <summary>Each Mission command through HTTP, and the seed story: NATO Mission Iraq grows from 500 to 4,000.</summary>
public sealed class when_missions_are_launched_and_staffed_over_http(PostureHost host) : PostureScenario(host)
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaghdadHqAsync();
    }

    [Fact]
    public async Task a_launch_is_created_and_readable_at_its_location()
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Json(NatoMissionIraqBody()).ToUrl("/api/missions");
            s.StatusCodeShouldBe(201);
            s.Header("Location").SingleValueShouldEqual($"/api/missions/{NatoMissionIraq}");
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("version").GetInt64().ShouldBe(1);

        var mission = await Host.Alba.GetAsJson<JsonElement>($"/api/missions/{NatoMissionIraq}");
        mission.GetProperty("name").GetString().ShouldBe("NATO Mission Iraq");
        mission.GetProperty("authorisedStrength").GetInt32().ShouldBe(500);
        mission.GetProperty("launchedAt").GetString().ShouldBe(NmiLaunched);
        mission.GetProperty("locations").EnumerateArray().Select(l => l.GetGuid()).ShouldBe([BaghdadHq]);
        mission.GetProperty("assigned").GetInt32().ShouldBe(0);

        await using var session = Host.Store.QuerySession();
        (await session.Events.FetchStreamAsync(NatoMissionIraq)).Single().EventTypeName.ShouldBe("mission_launched");
    }

    [Fact]
    public async Task a_launch_without_an_id_gets_one_and_names_each_site_once()
    {
        await Host.Alba.RegisterBaladAsync();
        var body = NatoMissionIraqBody();
        body.Remove("id");
        body["locations"] = new[] { BaghdadHq, Requests.Balad, BaghdadHq };

        var result = await Host.Alba.PostAsync("/api/missions", body, 201);

        var id = (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        id.ShouldNotBe(Guid.Empty);
        result.Context.Response.Headers.Location.ToString().ShouldBe($"/api/missions/{id}");
        (await Host.StreamAsync(id)).Single().ShouldBeOfType<MissionLaunched>().Locations.ShouldBe([BaghdadHq, Requests.Balad]);
    }

    [Fact]
    public async Task nato_mission_iraq_grows_from_500_to_4000_and_a_second_expansion_from_500_is_refused()
    {
        await Host.Alba.NatoMissionIraqAtBaghdadAsync();

        var expanded = await Host.Alba.PostAsync(MissionUrl(NatoMissionIraq, "expansions"), new { from = 500, to = 4000, at = Expansion }, 200);
        var answer = await expanded.ReadAsJsonAsync<JsonElement>();
        answer.GetProperty("missionId").GetGuid().ShouldBe(NatoMissionIraq);
        answer.GetProperty("version").GetInt64().ShouldBe(3);

        var before = await Host.EventCountAsync();
        var again = await Host.Alba.PostAsync(MissionUrl(NatoMissionIraq, "expansions"), new { from = 500, to = 4000, at = Expansion }, 409);
        (await again.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("is 4000, not 500");
        (await Host.EventCountAsync()).ShouldBe(before);

        var expansion = (await Host.StreamAsync(NatoMissionIraq))[^1].ShouldBeOfType<MissionExpanded>();
        (expansion.From, expansion.To, expansion.At).ShouldBe((500, 4000, Instant.FromUtc(2021, 2, 18, 0, 0)));
        var mission = await Host.Alba.GetAsJson<JsonElement>($"/api/missions/{NatoMissionIraq}");
        mission.GetProperty("authorisedStrength").GetInt32().ShouldBe(4000);
        mission.GetProperty("assigned").GetInt32().ShouldBe(500);
        var site = mission.GetProperty("sites").EnumerateArray().ShouldHaveSingleItem();
        site.GetProperty("baseId").GetGuid().ShouldBe(BaghdadHq);
        site.GetProperty("personnel").GetInt32().ShouldBe(500);
        var baghdad = Headcount.OfSite(await Host.StreamAsync(NatoMissionIraq), BaghdadHq, PostureHost.Now);
        (baghdad.Mission, baghdad.Contractors).ShouldBe((500, 0));
    }

    [Fact]
    public async Task personnel_are_withdrawn_and_the_strength_reduced_to_fit()
    {
        await Host.Alba.NatoMissionIraqAtBaghdadAsync();

        await Host.Alba.PostAsync(MissionUrl(NatoMissionIraq, "withdrawals"), new { baseId = BaghdadHq, count = 100, at = "2019-06-01T00:00:00Z" }, 200);
        var reduced = await Host.Alba.PostAsync(MissionUrl(NatoMissionIraq, "reductions"), new { from = 500, to = 400, at = "2019-07-01T00:00:00Z" }, 200);

        (await reduced.ReadAsJsonAsync<JsonElement>()).GetProperty("version").GetInt64().ShouldBe(4);
        var history = await Host.StreamAsync(NatoMissionIraq);
        history[^2].ShouldBeOfType<MissionPersonnelWithdrawn>().Count.ShouldBe(100);
        history[^1].ShouldBeOfType<MissionReduced>().To.ShouldBe(400);
        var mission = await Host.Alba.GetAsJson<JsonElement>($"/api/missions/{NatoMissionIraq}");
        (mission.GetProperty("authorisedStrength").GetInt32(), mission.GetProperty("assigned").GetInt32()).ShouldBe((400, 400));
    }

    [Fact]
    public async Task an_unknown_mission_is_a_404_problem()
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Get.Url($"/api/missions/{Guid.NewGuid()}");
            s.StatusCodeShouldBe(404);
            s.ContentTypeShouldBe("application/problem+json");
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("no mission");
    }
}
