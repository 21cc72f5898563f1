using System.Text.Json;
using Alba;
using Posture.IntegrationTests.Infrastructure;
using static Posture.IntegrationTests.Infrastructure.PeopleRequests;

namespace Posture.IntegrationTests.Sites;

/// <summary>
/// The seed story through the public API, read back from the site views: Balad's and Erbil's levels after their
/// attacks, Sallyport's 46 at Balad, NATO Mission Iraq at its Baghdad HQ, and every figure explained by the events.
/// </summary>
public sealed class when_the_seed_story_is_posted_over_http(PostureHost host) : PostureScenario(host)
{
    private static readonly Guid Erbil = Guid.Parse("e4b11000-0000-4000-8000-000000000002");

    private async Task<JsonElement> GetAsync(string url) => await Host.Alba.GetAsJson<JsonElement>(url);

    private async Task AttackAsync(Guid site, Dictionary<string, object?> changes)
    {
        var body = Requests.SeedAttackBody();
        foreach (var (key, value) in changes)
        {
            body[key] = value;
        }

        await Host.Alba.PostAsync($"/api/bases/{site}/attacks", body, 201);
        // The attack's reassessment is batched with the changes of the moment (ADR 0031): wait until it is handled.
        await Host.WaitForQuietAsync();
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.RegisterBaghdadHqAsync();
        await Host.Alba.PostAsync("/api/bases", new { id = Erbil, name = "Erbil Air Base", country = "Iraq", region = "Erbil", latitude = 36.2375, longitude = 43.9631 }, 201);
        await Host.Alba.SallyportAtBaladAsync();
        // Most of them left in early 2020; 46 were there in February 2021.
        await Host.Alba.PostAsync(ContractorUrl(Sallyport, "evacuations"),
            new { baseId = Requests.Balad, count = 1804, at = "2020-01-05T12:00:00Z", destination = "Erbil", reason = "Rocket attacks on the base" }, 200);
        await Host.Alba.NatoMissionIraqAtBaghdadAsync();
        await Host.Alba.PostAsync(MissionUrl(NatoMissionIraq, "expansions"), new { from = 500, to = 4000, at = "2021-02-18T12:00:00Z" }, 200);
        await AttackAsync(Erbil, new()
        {
            ["occurredAt"] = "2021-02-15T18:30:00Z", ["rounds"] = 3, ["impact"] = "inside", ["killed"] = 1, ["injured"] = 9, ["claimedBy"] = "Awliya al-Dam",
        });
        await AttackAsync(Requests.Balad, []);
    }

    [Fact]
    public async Task balad_shows_its_level_and_sallyports_46_on_the_night()
    {
        var balad = await GetAsync($"/api/sites/{Requests.Balad}?at=2021-02-20T18:00:00Z");

        balad.GetProperty("threat").GetProperty("level").GetString().ShouldBe("significant");
        balad.GetProperty("headcount").GetProperty("contractors").GetInt32().ShouldBe(46);
        balad.GetProperty("headcount").GetProperty("total").GetInt32().ShouldBe(46);
        var sallyport = balad.GetProperty("headcount").GetProperty("byOrganisation").EnumerateArray().Single();
        sallyport.GetProperty("name").GetString().ShouldBe("Sallyport");
        sallyport.GetProperty("kind").GetString().ShouldBe("contractor");
        sallyport.GetProperty("people").GetInt32().ShouldBe(46);
    }

    [Fact]
    public async Task balad_is_higher_after_the_attack_than_the_day_before()
    {
        var before = await GetAsync($"/api/sites/{Requests.Balad}/threat?at=2021-02-19T18:00:00Z");
        var after = await GetAsync($"/api/sites/{Requests.Balad}/threat?at=2021-02-20T18:00:00Z");
        before.GetProperty("level").GetString().ShouldBe("low");
        after.GetProperty("level").GetString().ShouldBe("significant");
    }

    [Fact]
    public async Task erbil_is_high_after_its_attack_and_the_table_lists_every_site()
    {
        var sites = await GetAsync("/api/sites");
        var rows = sites.EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s);

        rows.Keys.Order().ShouldBe(["Balad Air Base", "Erbil Air Base", "NATO Mission Iraq HQ"]);
        rows["Erbil Air Base"].GetProperty("threat").GetProperty("level").GetString().ShouldBe("high");
        rows["Balad Air Base"].GetProperty("threat").GetProperty("level").GetString().ShouldBe("significant");
        rows["NATO Mission Iraq HQ"].GetProperty("headcount").GetProperty("mission").GetInt32().ShouldBe(500);
        rows["Balad Air Base"].GetProperty("headcount").GetProperty("contractors").GetInt32().ShouldBe(46);
        rows["Erbil Air Base"].GetProperty("lastIncidentAt").GetString().ShouldBe("2021-02-15T18:30:00Z");
    }

    [Fact]
    public async Task the_headcount_timeline_shows_the_evacuation()
    {
        var timeline = await GetAsync($"/api/sites/{Requests.Balad}/timeline?from=2018-01-01T00:00:00Z&to=2021-02-21T00:00:00Z&stepHours=720");
        var people = timeline.GetProperty("headcount").EnumerateArray().Select(p => p.GetProperty("contractors").GetInt32()).ToList();
        people.ShouldBe([0, 1850, 46]);
    }

    [Fact]
    public async Task a_severe_attack_with_contractors_present_recommends_their_evacuation()
    {
        await AttackAsync(Requests.Balad, new()
        {
            ["incidentId"] = Guid.NewGuid(), ["occurredAt"] = "2021-02-21T08:00:00Z", ["rounds"] = 5, ["impact"] = "occupied-area", ["killed"] = 2, ["injured"] = 3,
        });

        var alerts = (await GetAsync($"/api/alerts?site={Requests.Balad}")).EnumerateArray().ToList();
        var recommendation = alerts.First(a => a.GetProperty("kind").GetString() == "evacuation-recommended");
        recommendation.GetProperty("level").GetString().ShouldBeOneOf("high", "critical");
        var contractors = recommendation.GetProperty("contractors").EnumerateArray().Single();
        contractors.GetProperty("organisation").GetString().ShouldBe("Sallyport");
        contractors.GetProperty("people").GetInt32().ShouldBe(46);
        alerts.ShouldContain(a => a.GetProperty("kind").GetString() == "threat-level-raised");
    }
}
