using System.Text.Json;
using Alba;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Audit;

/// <summary>
/// <c>asOf</c> answers about an instant by everything recorded now; <c>knownAt</c> by only what had been recorded by
/// then. Late reports, corrections and retractions change the first and leave the second as it was.
/// </summary>
public sealed class when_asking_what_was_known(PostureHost host) : PostureScenario(host)
{
    /// <summary>The evening of the seed attack: the moment the inquiry asks about.</summary>
    private const string T = "2021-02-20T18:00:00Z";

    private async Task<JsonElement> GetAsync(string url) => await Host.Alba.GetAsJson<JsonElement>(url);

    private static string Site(string query) => $"/api/sites/{Requests.Balad}?{query}";

    private static string Threat(string query) => $"/api/sites/{Requests.Balad}/threat?{query}";

    private async Task RecordAttackAsync(Guid incident, string occurredAt)
    {
        var body = Requests.SeedAttackBody();
        body["incidentId"] = incident;
        body["occurredAt"] = occurredAt;
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", body, 201);
    }

    private static List<JsonElement> Incidents(JsonElement site) => site.GetProperty("recentIncidents").EnumerateArray().ToList();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
    }

    [Fact]
    public async Task a_late_report_changes_the_asOf_answer_but_not_what_was_known_before_it_was_recorded()
    {
        await RecordAttackAsync(Guid.NewGuid(), "2021-02-20T17:30:00Z");
        var beforeLateReport = await Host.LastOfAsync(Requests.Balad);
        // Reported the next morning: an earlier attack that afternoon, before T.
        await RecordAttackAsync(Guid.NewGuid(), "2021-02-20T12:00:00Z");

        var now = await GetAsync(Threat($"asOf={T}"));
        var then = await GetAsync(Threat($"asOf={T}&knownAt={beforeLateReport}"));

        now.GetProperty("contributions").GetArrayLength().ShouldBe(2);
        then.GetProperty("contributions").EnumerateArray().Select(c => c.GetProperty("occurredAt").GetString()).ShouldBe(["2021-02-20T17:30:00Z"]);
        then.GetProperty("score").GetDouble().ShouldBeLessThan(now.GetProperty("score").GetDouble());
        then.GetProperty("at").GetString().ShouldBe(T);
        then.GetProperty("knownAt").GetString().ShouldBe(beforeLateReport);

        Incidents(await GetAsync(Site($"asOf={T}"))).Count.ShouldBe(2);
        Incidents(await GetAsync(Site($"asOf={T}&knownAt={beforeLateReport}"))).Select(i => i.GetProperty("occurredAt").GetString())
            .ShouldBe(["2021-02-20T17:30:00Z"]);
    }

    [Fact]
    public async Task a_correction_and_a_retraction_show_in_asOf_and_not_in_what_was_known_before_them()
    {
        var incident = Guid.NewGuid();
        await RecordAttackAsync(incident, "2021-02-20T17:30:00Z");
        var reported = await Host.LastOfAsync(Requests.Balad);
        await Host.Alba.PostAsync(
            $"/api/bases/{Requests.Balad}/incidents/{incident}/corrections", new { killed = 1, reason = "The injured worker died" }, 200);
        var corrected = await Host.LastOfAsync(Requests.Balad);
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/incidents/{incident}/retractions", new { reason = "Reported at the wrong base" }, 200);

        var asReported = Incidents(await GetAsync(Site($"asOf={T}&knownAt={reported}"))).Single();
        var asCorrected = Incidents(await GetAsync(Site($"asOf={T}&knownAt={corrected}"))).Single();
        asReported.GetProperty("killed").GetInt32().ShouldBe(0);
        asReported.GetProperty("corrections").GetInt32().ShouldBe(0);
        asCorrected.GetProperty("killed").GetInt32().ShouldBe(1);
        asCorrected.GetProperty("corrections").GetInt32().ShouldBe(1);
        Incidents(await GetAsync(Site($"asOf={T}"))).ShouldBeEmpty();

        var threatReported = await GetAsync(Threat($"asOf={T}&knownAt={reported}"));
        var threatCorrected = await GetAsync(Threat($"asOf={T}&knownAt={corrected}"));
        var threatNow = await GetAsync(Threat($"asOf={T}"));
        threatCorrected.GetProperty("score").GetDouble().ShouldBeGreaterThan(threatReported.GetProperty("score").GetDouble());
        threatReported.GetProperty("score").GetDouble().ShouldBeGreaterThan(0);
        threatNow.GetProperty("score").GetDouble().ShouldBe(0);
        threatNow.GetProperty("contributions").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task people_moved_there_later_in_the_record_are_not_in_what_was_known_before()
    {
        await Host.Alba.PostAsync("/api/contractors", PeopleRequests.SallyportBody(), 201);
        var engaged = await Host.LastOfAsync(PeopleRequests.Sallyport);
        await Host.Alba.PostAsync(
            PeopleRequests.ContractorUrl(PeopleRequests.Sallyport, "deployments"),
            new { baseId = Requests.Balad, count = 46, at = PeopleRequests.In2018 }, 200);

        (await GetAsync(Site($"asOf={T}"))).GetProperty("headcount").GetProperty("contractors").GetInt32().ShouldBe(46);
        (await GetAsync(Site($"asOf={T}&knownAt={engaged}"))).GetProperty("headcount").GetProperty("contractors").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task asOf_computed_from_history_answers_exactly_as_at_from_the_read_models()
    {
        var incident = Guid.NewGuid();
        await Host.Alba.SallyportAtBaladAsync(people: 46);
        await RecordAttackAsync(incident, "2021-02-20T17:30:00Z");
        await RecordAttackAsync(Guid.NewGuid(), "2021-02-20T12:00:00Z");
        await Host.Alba.PostAsync(
            $"/api/bases/{Requests.Balad}/incidents/{incident}/corrections", new { injured = 2, reason = "A second worker was hurt" }, 200);
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/fpcon", new { condition = "charlie", reason = "Rockets on the base" }, 200);
        await Host.Alba.PostAsync(
            $"/api/bases/{Requests.Balad}/assessments", new { level = "high", reason = "Second attack in a day", expiresAt = "2021-03-01T00:00:00Z" }, 200);

        foreach (var at in new[] { "2021-02-20T13:00:00Z", T, "2021-02-21T09:00:00Z", "2021-04-01T00:00:00Z" })
        {
            (await GetAsync(Site($"asOf={at}"))).GetRawText().ShouldBe((await GetAsync(Site($"at={at}"))).GetRawText(), at);
            (await GetAsync(Threat($"asOf={at}"))).GetRawText().ShouldBe((await GetAsync(Threat($"at={at}"))).GetRawText(), at);
        }

        var site = await GetAsync(Site($"asOf={T}"));
        site.GetProperty("headcount").GetProperty("contractors").GetInt32().ShouldBe(46);
        Incidents(site).Count.ShouldBe(2);
    }

    [Fact]
    public async Task knownAt_alone_asks_about_that_instant_and_a_site_not_yet_recorded_is_unknown()
    {
        var registered = await Host.LastOfAsync(Requests.Balad);

        var site = await GetAsync(Site($"knownAt={registered}"));
        site.GetProperty("at").GetString().ShouldBe(registered);
        site.GetProperty("knownAt").GetString().ShouldBe(registered);

        await Host.Alba.Scenario(s =>
        {
            s.Get.Url(Site("knownAt=2021-01-01T00:00:00Z"));
            s.StatusCodeShouldBe(404);
        });
    }
}
