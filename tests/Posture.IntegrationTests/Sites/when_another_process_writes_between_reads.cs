using System.Text.Json;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Storage;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Sites;

/// <summary>
/// A site read keeps the incident rows it has already read, by the version of each row (SiteReader, docs/adr/0020).
/// What another process writes between two reads (here a second document store on the same database, as the CLI or
/// another node would be) is in the next answer at once: a new site and its incidents, a correction, a retraction,
/// and the same ids written again after the data was reset.
/// </summary>
public sealed class when_another_process_writes_between_reads(PostureHost host) : PostureScenario(host)
{
    private static readonly Guid Incident = Guid.Parse("1c1d0000-0000-4000-8000-0000000000aa");

    /// <summary>Camp Taji, about 47 km south of Balad: within the nearby radius.</summary>
    private static readonly Guid Taji = Guid.Parse("7a310000-0000-4000-8000-0000000000aa");

    private static readonly IncidentReport TajiReport = new(
        Instant.FromUtc(2021, 2, 20, 12, 0), TimePrecision.Hour, 2, Impact.Inside, 0, 2, Affiliation.CoalitionMilitary,
        Attribution.Unknown, null, "another process", Confidence.Confirmed, null);

    private async Task<JsonElement> GetAsync(string url) => await Host.Alba.GetAsJson<JsonElement>(url);

    private async Task<JsonElement> BaladAsync() => await GetAsync($"/api/sites/{Requests.Balad}?at=2021-02-21T00:00:00Z");

    private async Task<JsonElement> BaladThreatAsync() => await GetAsync($"/api/sites/{Requests.Balad}/threat?at=2021-02-21T00:00:00Z");

    /// <summary>Appends to a stream through a document store of its own, as another process would.</summary>
    private async Task ElsewhereAsync(Action<IDocumentSession> write)
    {
        var connectionString = Host.Alba.Services.GetRequiredService<PostureDatabase>().ConnectionString;
        await using var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString));
        await using var session = store.LightweightSession();
        session.LastModifiedBy = "another.process";
        write(session);
        await session.SaveChangesAsync();
    }

    private async Task RecordAttackAsync(int rounds)
    {
        var body = Requests.SeedAttackBody(Incident);
        body["rounds"] = rounds;
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(body).ToUrl($"/api/bases/{Requests.Balad}/attacks");
            s.StatusCodeShouldBe(201);
        });
        await Host.WaitForQuietAsync();
    }

    private static IncidentReport Report(JsonElement incident) =>
        new(Instant.FromUtc(2021, 2, 20, 17, 30), TimePrecision.Exact, incident.GetProperty("rounds").GetInt32(), Impact.Perimeter, 0, 1,
            Affiliation.Contractor, Attribution.Unknown, null, "Iraqi military statement", Confidence.Confirmed, null);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
    }

    [Fact]
    public async Task a_site_registered_elsewhere_is_read_and_counted_as_a_neighbour_at_once()
    {
        await RecordAttackAsync(rounds: 4);
        (await BaladThreatAsync()).GetProperty("contributions").GetArrayLength().ShouldBe(1);

        await ElsewhereAsync(session =>
        {
            session.Events.StartStream<Base>(Taji, new BaseRegistered(Taji, "Camp Taji", "Iraq", "Baghdad", 33.5247, 44.2561, PostureHost.Now));
            session.Events.Append(Taji, new RocketAttackOccurred(Taji, Guid.NewGuid(), TajiReport));
        });

        (await GetAsync($"/api/sites/{Taji}")).GetProperty("name").GetString().ShouldBe("Camp Taji");
        var contributions = (await BaladThreatAsync()).GetProperty("contributions").EnumerateArray().ToList();
        contributions.Select(c => c.GetProperty("siteId").GetGuid()).Order().ShouldBe(new[] { Requests.Balad, Taji }.Order());
    }

    [Fact]
    public async Task an_incident_corrected_elsewhere_is_read_as_corrected_and_one_retracted_is_gone()
    {
        await RecordAttackAsync(rounds: 4);
        var first = (await BaladAsync()).GetProperty("recentIncidents").EnumerateArray().Single();
        first.GetProperty("rounds").GetInt32().ShouldBe(4);
        var score = (await BaladThreatAsync()).GetProperty("score").GetDouble();

        await ElsewhereAsync(session => session.Events.Append(Requests.Balad,
            new IncidentCorrected(Requests.Balad, Incident, Report(first) with { Rounds = 9, Impact = Impact.OccupiedArea }, "nine rockets")));

        var corrected = (await BaladAsync()).GetProperty("recentIncidents").EnumerateArray().Single();
        corrected.GetProperty("rounds").GetInt32().ShouldBe(9);
        corrected.GetProperty("impact").GetString().ShouldBe("occupied-area");
        corrected.GetProperty("corrections").GetInt32().ShouldBe(1);
        (await BaladThreatAsync()).GetProperty("score").GetDouble().ShouldBeGreaterThan(score);

        await ElsewhereAsync(session => session.Events.Append(Requests.Balad, new IncidentRetracted(Requests.Balad, Incident, "did not happen")));

        (await BaladAsync()).GetProperty("recentIncidents").GetArrayLength().ShouldBe(0);
        var threat = await BaladThreatAsync();
        threat.GetProperty("contributions").GetArrayLength().ShouldBe(0);
        threat.GetProperty("score").GetDouble().ShouldBe(0);
    }

    [Fact]
    public async Task the_threat_of_a_site_read_follows_a_correction_and_a_retraction_made_elsewhere()
    {
        // The site read keeps each site's incidents as the scorer reads them while their rows are unchanged
        // (ThreatIncidentSets): a row rewritten elsewhere must be scored as it is now.
        await RecordAttackAsync(rounds: 4);
        var read = await BaladAsync();
        var before = read.GetProperty("threat").GetProperty("score").GetDouble();
        before.ShouldBeGreaterThan(0);

        var first = read.GetProperty("recentIncidents").EnumerateArray().Single();
        await ElsewhereAsync(session => session.Events.Append(Requests.Balad,
            new IncidentCorrected(Requests.Balad, Incident, Report(first) with { Rounds = 9, Impact = Impact.OccupiedArea }, "nine rockets")));

        var corrected = (await BaladAsync()).GetProperty("threat").GetProperty("score").GetDouble();
        corrected.ShouldBeGreaterThan(before);
        corrected.ShouldBe(Math.Round((await BaladThreatAsync()).GetProperty("score").GetDouble(), 4));

        await ElsewhereAsync(session => session.Events.Append(Requests.Balad, new IncidentRetracted(Requests.Balad, Incident, "did not happen")));

        (await BaladAsync()).GetProperty("threat").GetProperty("score").GetDouble().ShouldBe(0);
    }

    [Fact]
    public async Task the_same_ids_written_again_after_a_reset_are_read_as_they_are_now()
    {
        await RecordAttackAsync(rounds: 4);
        (await BaladAsync()).GetProperty("recentIncidents").EnumerateArray().Single().GetProperty("rounds").GetInt32().ShouldBe(4);

        await Host.ResetAsync();
        await Host.Alba.RegisterBaladAsync();
        await RecordAttackAsync(rounds: 7);

        (await BaladAsync()).GetProperty("recentIncidents").EnumerateArray().Single().GetProperty("rounds").GetInt32().ShouldBe(7);
    }
}
