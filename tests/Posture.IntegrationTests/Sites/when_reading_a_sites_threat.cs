using System.Text.Json;
using Alba;
using Posture.Domain.Bases;
using NodaTime;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Sites;

/// <summary>Threat is computed for the instant asked about: it rises with an attack and decays back after months of quiet.</summary>
public sealed class when_reading_a_sites_threat(PostureHost host) : PostureScenario(host)
{
    /// <summary>Camp Taji, about 47 km south of Balad: near enough for Balad's incidents to count at the nearby weight.</summary>
    private static readonly Guid Taji = Guid.Parse("7a310000-0000-4000-8000-000000000003");

    private static string ThreatUrl(Guid site, string at) => $"/api/sites/{site}/threat?at={at}";

    private async Task<JsonElement> GetAsync(string url) => await Host.Alba.GetAsJson<JsonElement>(url);

    private async Task RecordSeedAttackAsync(Dictionary<string, object?>? changes = null)
    {
        var body = Requests.SeedAttackBody();
        foreach (var (key, value) in changes ?? [])
        {
            body[key] = value;
        }

        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(body).ToUrl($"/api/bases/{Requests.Balad}/attacks");
            s.StatusCodeShouldBe(201);
        });
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
    }

    [Fact]
    public async Task the_level_rises_after_the_attack_and_decays_back_to_low_after_months()
    {
        (await GetAsync(ThreatUrl(Requests.Balad, "2021-02-19T17:30:00Z"))).GetProperty("level").GetString().ShouldBe("low");
        await RecordSeedAttackAsync();

        var before = await GetAsync(ThreatUrl(Requests.Balad, "2021-02-19T17:30:00Z"));
        var after = await GetAsync(ThreatUrl(Requests.Balad, "2021-02-20T18:00:00Z"));
        var months = await GetAsync(ThreatUrl(Requests.Balad, "2021-09-01T00:00:00Z"));

        before.GetProperty("level").GetString().ShouldBe("low");
        after.GetProperty("level").GetString().ShouldBe("significant");
        after.GetProperty("recommendedFpcon").GetString().ShouldBe("bravo");
        after.GetProperty("score").GetDouble().ShouldBeGreaterThan(before.GetProperty("score").GetDouble());
        months.GetProperty("level").GetString().ShouldBe("low");
        months.GetProperty("score").GetDouble().ShouldBeLessThan(after.GetProperty("score").GetDouble());
    }

    [Fact]
    public async Task each_incidents_contribution_is_explained()
    {
        await RecordSeedAttackAsync();
        var threat = await GetAsync(ThreatUrl(Requests.Balad, "2021-02-20T18:00:00Z"));

        var contribution = threat.GetProperty("contributions").EnumerateArray().Single();
        contribution.GetProperty("kind").GetString().ShouldBe("rocket");
        contribution.GetProperty("occurredAt").GetString().ShouldBe("2021-02-20T17:30:00Z");
        contribution.GetProperty("distanceKm").GetDouble().ShouldBe(0);
        contribution.GetProperty("contribution").GetDouble().ShouldBe(threat.GetProperty("score").GetDouble(), tolerance: 1e-9);
        contribution.GetProperty("weight").GetDouble().ShouldBeLessThanOrEqualTo(1);
    }

    [Fact]
    public async Task an_attack_at_a_neighbour_counts_at_the_nearby_weight()
    {
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { id = Taji, name = "Camp Taji", country = "Iraq", region = "Baghdad", latitude = 33.5247, longitude = 44.2561 }).ToUrl("/api/bases");
            s.StatusCodeShouldBe(201);
        });
        await RecordSeedAttackAsync();

        var balad = await GetAsync(ThreatUrl(Requests.Balad, "2021-02-20T18:00:00Z"));
        var taji = await GetAsync(ThreatUrl(Taji, "2021-02-20T18:00:00Z"));

        var nearby = taji.GetProperty("contributions").EnumerateArray().Single();
        nearby.GetProperty("siteId").GetGuid().ShouldBe(Requests.Balad);
        nearby.GetProperty("distanceKm").GetDouble().ShouldBeInRange(40, 50);
        taji.GetProperty("score").GetDouble().ShouldBe(balad.GetProperty("score").GetDouble() * 0.25, tolerance: 1e-6);
    }

    [Fact]
    public async Task a_correction_changes_the_contribution_and_a_retraction_removes_it()
    {
        var incident = Guid.NewGuid();
        await RecordSeedAttackAsync(new() { ["incidentId"] = incident });
        var first = (await GetAsync(ThreatUrl(Requests.Balad, "2021-02-20T18:00:00Z"))).GetProperty("score").GetDouble();

        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { killed = 1, reason = "The injured worker died" }).ToUrl($"/api/bases/{Requests.Balad}/incidents/{incident}/corrections");
            s.StatusCodeShouldBe(200);
        });
        var corrected = (await GetAsync(ThreatUrl(Requests.Balad, "2021-02-20T18:00:00Z"))).GetProperty("score").GetDouble();
        corrected.ShouldBeGreaterThan(first);

        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { reason = "Reported at the wrong base" }).ToUrl($"/api/bases/{Requests.Balad}/incidents/{incident}/retractions");
            s.StatusCodeShouldBe(200);
        });
        var retracted = await GetAsync(ThreatUrl(Requests.Balad, "2021-02-20T18:00:00Z"));
        retracted.GetProperty("score").GetDouble().ShouldBe(0);
        retracted.GetProperty("contributions").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task an_analysts_floor_raises_the_level_until_it_expires()
    {
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { level = "high", reason = "Second attack in a week", expiresAt = "2021-03-01T00:00:00Z" }).ToUrl($"/api/bases/{Requests.Balad}/assessments");
            s.StatusCodeShouldBe(200);
        });

        var during = await GetAsync(ThreatUrl(Requests.Balad, "2021-02-22T00:00:00Z"));
        during.GetProperty("level").GetString().ShouldBe("high");
        during.GetProperty("computedLevel").GetString().ShouldBe("low");
        during.GetProperty("floor").GetProperty("reason").GetString().ShouldBe("Second attack in a week");
        (await GetAsync(ThreatUrl(Requests.Balad, "2021-03-02T00:00:00Z"))).GetProperty("level").GetString().ShouldBe("low");
    }

    [Fact]
    public async Task the_site_view_and_the_list_answer_at_now_by_default_and_filter_by_level()
    {
        await RecordSeedAttackAsync();
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { id = Taji, name = "Camp Taji", country = "Iraq", region = "Baghdad", latitude = 33.5247, longitude = 44.2561 }).ToUrl("/api/bases");
            s.StatusCodeShouldBe(201);
        });

        var balad = await GetAsync($"/api/sites/{Requests.Balad}");
        balad.GetProperty("at").GetString().ShouldBe("2021-02-21T09:00:00Z");
        balad.GetProperty("threat").GetProperty("level").GetString().ShouldBe("significant");

        var all = await GetAsync("/api/sites");
        all.GetArrayLength().ShouldBe(2);
        var significant = await GetAsync("/api/sites?minLevel=significant");
        significant.EnumerateArray().Select(s => s.GetProperty("name").GetString()).ShouldBe(["Balad Air Base"]);
        var baghdad = await GetAsync("/api/sites?region=baghdad");
        baghdad.EnumerateArray().Select(s => s.GetProperty("name").GetString()).ShouldBe(["Camp Taji"]);
    }

    [Fact]
    public async Task the_site_view_carries_its_stream_version_as_etag()
    {
        var first = await Host.Alba.Scenario(s => s.Get.Url($"/api/sites/{Requests.Balad}"));
        first.Context.Response.Headers.ETag.ToString().ShouldBe("\"1\"");
        await RecordSeedAttackAsync();
        var second = await Host.Alba.Scenario(s => s.Get.Url($"/api/sites/{Requests.Balad}"));
        second.Context.Response.Headers.ETag.ToString().ShouldBe("\"2\"");
    }

    [Theory]
    [InlineData("/api/sites/{0}/threat?at=yesterday", "at")]
    [InlineData("/api/sites?minLevel=extreme", "minLevel")]
    [InlineData("/api/sites/{0}?at=2021-13-01T00:00:00Z", "at")]
    [InlineData("/api/sites/{0}/timeline?stepHours=0", "stepHours")]
    [InlineData("/api/incidents?kind=catapult", "kind")]
    [InlineData("/api/incidents?pageSize=100000", "pageSize")]
    [InlineData("/api/incidents?from=2021-03-01T00:00:00Z&to=2021-02-01T00:00:00Z", "to")]
    [InlineData("/api/sites/{0}?asOf=yesterday", "asOf")]
    [InlineData("/api/sites/{0}?knownAt=2021-02-30T00:00:00Z", "knownAt")]
    [InlineData("/api/sites/{0}/threat?asOf=noon", "asOf")]
    [InlineData("/api/sites/{0}/threat?knownAt=soon", "knownAt")]
    [InlineData("/api/sites/{0}?at=2021-02-20T18:00:00Z&asOf=2021-02-20T18:00:00Z", "asOf")]
    [InlineData("/api/audit/{0}?from=yesterday", "from")]
    [InlineData("/api/audit/{0}?type=rocket_attack", "type")]
    [InlineData("/api/audit/{0}?from=2021-03-01T00:00:00Z&to=2021-02-01T00:00:00Z", "to")]
    public async Task a_bad_parameter_is_a_400_naming_it(string template, string parameter)
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Get.Url(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Requests.Balad));
            s.StatusCodeShouldBe(400);
            s.ContentTypeShouldBe("application/problem+json");
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(parameter, out _).ShouldBeTrue();
    }

    [Theory]
    [InlineData("/api/sites/{0}/threat")]
    [InlineData("/api/sites/{0}/timeline")]
    [InlineData("/api/sites/{0}")]
    public async Task an_unknown_site_is_a_404(string template)
    {
        await Host.Alba.Scenario(s =>
        {
            s.Get.Url(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Guid.NewGuid()));
            s.StatusCodeShouldBe(404);
            s.ContentTypeShouldBe("application/problem+json");
        });
    }

    [Fact]
    public async Task the_timeline_shows_the_rise_at_the_attack_and_the_decay_after()
    {
        await RecordSeedAttackAsync();
        var timeline = await GetAsync($"/api/sites/{Requests.Balad}/timeline?from=2021-02-19T00:00:00Z&to=2021-06-01T00:00:00Z");

        var changes = timeline.GetProperty("levelChanges").EnumerateArray()
            .Select(c => (At: c.GetProperty("at").GetString(), From: c.GetProperty("from").GetString(), To: c.GetProperty("to").GetString())).ToList();
        changes[0].ShouldBe(("2021-02-20T17:30:00Z", "low", "significant"));
        changes[^1].To.ShouldBe("low");
        timeline.GetProperty("threat").EnumerateArray().Count().ShouldBeGreaterThan(100);
    }
    [Fact]
    public async Task a_site_with_more_incidents_than_a_list_may_hold_lists_the_largest_and_counts_them_all()
    {
        await using (var session = Host.Store.LightweightSession())
        {
            // 520 reports written straight to the store (faster than 520 requests); the inline projections keep the rows.
            for (var i = 0; i < 520; i++)
            {
                session.Events.Append(Requests.Balad, new RocketAttackOccurred(Requests.Balad, Guid.NewGuid(), new IncidentReport(
                    PostureHost.Now - Duration.FromHours(i + 1), TimePrecision.Hour, 1, Impact.Perimeter, 0, 0, null,
                    Attribution.Unknown, null, "a liaison report", Confidence.Probable, null)));
            }

            await session.SaveChangesAsync();
        }

        var threat = await GetAsync(ThreatUrl(Requests.Balad, "2021-02-21T09:00:00Z"));

        threat.GetProperty("contributionCount").GetInt32().ShouldBe(520);
        var listed = threat.GetProperty("contributions").EnumerateArray().Select(c => c.GetProperty("contribution").GetDouble()).ToList();
        listed.Count.ShouldBe(500);
        listed.ShouldBe(listed.OrderByDescending(c => c).ToList(), "largest first");
        threat.GetProperty("score").GetDouble().ShouldBeGreaterThan(listed.Sum(), "the score counts the incidents left off the list too");
    }
}
