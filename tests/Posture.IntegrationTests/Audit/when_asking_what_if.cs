using System.Text.Json;
using Alba;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Audit;

/// <summary>A what-if re-scores a moment with other threat constants, says which it used, and writes nothing.</summary>
public sealed class when_asking_what_if(PostureHost host) : PostureScenario(host)
{
    /// <summary>Two months after the seed attack: two half-lives under the configured 30 days.</summary>
    private const string Later = "2021-04-21T17:30:00Z";

    private async Task<JsonElement> GetAsync(string url) => await Host.Alba.GetAsJson<JsonElement>(url);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", Requests.SeedAttackBody(), 201);
    }

    [Fact]
    public async Task a_longer_half_life_decays_slower_and_the_answer_names_it()
    {
        var live = await GetAsync($"/api/sites/{Requests.Balad}/threat?at={Later}");
        var whatIf = await GetAsync($"/api/sites/{Requests.Balad}/threat?at={Later}&halfLifeDays=90");
        var fromHistory = await GetAsync($"/api/sites/{Requests.Balad}/threat?asOf={Later}&halfLifeDays=90");

        // 60 days is two 30-day half-lives (a quarter) but two-thirds of a 90-day one (about 0.63).
        var ratio = whatIf.GetProperty("score").GetDouble() / live.GetProperty("score").GetDouble();
        ratio.ShouldBe(Math.Pow(0.5, 60.0 / 90) / Math.Pow(0.5, 2), tolerance: 1e-3);
        fromHistory.GetProperty("score").GetDouble().ShouldBe(whatIf.GetProperty("score").GetDouble(), tolerance: 1e-9);
        live.GetProperty("options").GetProperty("halfLifeDays").GetDouble().ShouldBe(30);
        live.GetProperty("options").GetProperty("whatIf").GetBoolean().ShouldBeFalse();
        whatIf.GetProperty("options").GetProperty("halfLifeDays").GetDouble().ShouldBe(90);
        whatIf.GetProperty("options").GetProperty("whatIf").GetBoolean().ShouldBeTrue();

        // Nothing changed: the live answer is the same after the what-if.
        (await GetAsync($"/api/sites/{Requests.Balad}/threat?at={Later}")).GetProperty("score").GetDouble()
            .ShouldBe(live.GetProperty("score").GetDouble());
    }

    [Fact]
    public async Task the_nearby_constants_choose_and_weigh_the_neighbours()
    {
        // Camp Taji is about 47 km from Balad: inside the configured 50 km.
        var taji = Guid.Parse("7a310000-0000-4000-8000-000000000004");
        await Host.Alba.PostAsync("/api/bases",
            new { id = taji, name = "Camp Taji", country = "Iraq", region = "Baghdad", latitude = 33.5247, longitude = 44.2561 }, 201);
        const string at = "2021-02-20T18:00:00Z";

        var live = await GetAsync($"/api/sites/{taji}/threat?at={at}");
        var heavier = await GetAsync($"/api/sites/{taji}/threat?at={at}&nearbyWeight=0.5");
        var shorter = await GetAsync($"/api/sites/{taji}/threat?at={at}&nearbyRadiusKm=40");

        live.GetProperty("contributions").GetArrayLength().ShouldBe(1);
        heavier.GetProperty("score").GetDouble().ShouldBe(live.GetProperty("score").GetDouble() * 2, tolerance: 1e-6);
        shorter.GetProperty("contributions").GetArrayLength().ShouldBe(0);
        shorter.GetProperty("options").GetProperty("nearbyRadiusKm").GetDouble().ShouldBe(40);
    }

    [Theory]
    [InlineData("halfLifeDays=0", "halfLifeDays")]
    [InlineData("halfLifeDays=ninety", "halfLifeDays")]
    [InlineData("nearbyWeight=2", "nearbyWeight")]
    [InlineData("nearbyRadiusKm=-1", "nearbyRadiusKm")]
    public async Task a_bad_value_is_a_400_that_names_it(string parameter, string field)
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Get.Url($"/api/sites/{Requests.Balad}/threat?at={Later}&{parameter}");
            s.StatusCodeShouldBe(400);
        });

        (await result.ReadAsTextAsync()).ShouldContain(field);
    }
}
