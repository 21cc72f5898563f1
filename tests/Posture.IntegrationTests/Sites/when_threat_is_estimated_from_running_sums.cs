using System.Text.Json;
using Alba;
using Marten;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Threats;
using Posture.Infrastructure.Sites;
using Posture.IntegrationTests.Infrastructure;
using Wolverine.Tracking;

namespace Posture.IntegrationTests.Sites;

/// <summary>
/// The reassessment after a command and the site list know most bands from each site's running threat sum, and score
/// exactly only where a band may have changed or is near a threshold: what they record and show must be exactly what
/// scoring every incident records and shows.
/// </summary>
public sealed class when_threat_is_estimated_from_running_sums(PostureHost host) : PostureScenario(host)
{
    /// <summary>Six sites around Baghdad and Balad, a few within 50 km of one another, and Erbil far from them all.</summary>
    private static readonly (Guid Id, double Latitude, double Longitude)[] Sites =
    [
        (Guid.Parse("5e7e0000-0000-4000-8000-000000000001"), 33.9333, 44.3667),
        (Guid.Parse("5e7e0000-0000-4000-8000-000000000002"), 34.1133, 44.3667),
        (Guid.Parse("5e7e0000-0000-4000-8000-000000000003"), 33.5247, 44.2561),
        (Guid.Parse("5e7e0000-0000-4000-8000-000000000004"), 33.3152, 44.3661),
        (Guid.Parse("5e7e0000-0000-4000-8000-000000000005"), 33.2620, 44.2340),
        (Guid.Parse("5e7e0000-0000-4000-8000-000000000006"), 36.2375, 43.9631),
    ];

    private readonly Random _random = new(20261126);

    private async Task<ThreatLevel> RecordedAsync(Guid site)
    {
        await using var session = Host.Store.QuerySession();
        return (await session.LoadAsync<ThreatRecord>(ThreatRecord.StreamOf(site)))?.Level ?? ThreatLevel.Low;
    }

    private async Task<IReadOnlyList<ThreatLevelChanged>> ChangesAsync(Guid site)
    {
        await using var session = Host.Store.QuerySession();
        return (await session.Events.FetchStreamAsync(ThreatRecord.StreamOf(site))).Select(e => e.Data).OfType<ThreatLevelChanged>().ToList();
    }

    private async Task<ThreatAssessment> ExactAsync(Guid site, Instant at)
    {
        await using var session = Host.Store.QuerySession();
        var reader = Host.Alba.Services.GetRequiredService<SiteReader>();
        return (await reader.AroundAsync(session, site, CancellationToken.None)).ShouldNotBeNull().Threat(site, at);
    }

    private async Task<IReadOnlyList<Guid>> AffectedAsync(Guid site)
    {
        await using var session = Host.Store.QuerySession();
        var reader = Host.Alba.Services.GetRequiredService<SiteReader>();
        return reader.Near(await SiteReader.PlacesAsync(session, CancellationToken.None), [site]).ToList();
    }

    private IncidentReport Report(Instant now) => new(
        now - Duration.FromHours(_random.Next(0, 24 * 40)), TimePrecision.Hour, _random.Next(0, 12), (Impact)_random.Next(0, 4),
        _random.Next(0, 3), _random.Next(0, 8), null, Attribution.Unknown, null, "test", (Confidence)_random.Next(0, 3), null);

    private async Task RegisterAsync()
    {
        foreach (var (id, latitude, longitude) in Sites)
        {
            await Host.Alba.InvokeMessageAndWaitAsync(new RegisterBase(id, $"Site {id.ToString()[^1]}", "Iraq", "Baghdad", latitude, longitude));
        }
    }

    /// <summary>Sixty commands of every kind that moves a threat, at random sites, the clock moving between them.</summary>
    private async Task<int> RunCommandsAsync(Func<Task> afterEach)
    {
        var incidents = new List<(Guid Site, Guid Incident)>();
        var changes = 0;
        for (var step = 0; step < 60; step++)
        {
            Host.Clock.Advance(Duration.FromHours(_random.Next(1, 72)));
            var now = Host.Clock.GetCurrentInstant();
            var site = Sites[_random.Next(Sites.Length)].Id;
            var (atBase, incident) = incidents.Count == 0 ? (site, Guid.Empty) : incidents[_random.Next(incidents.Count)];
            object command = (_random.Next(10), incidents.Count) switch
            {
                (< 6, _) or (_, 0) => new RecordIncident(site, Guid.NewGuid(), (IncidentKind)_random.Next(0, 5), Report(now)),
                (< 8, _) => new CorrectIncident(
                    atBase, incident, new IncidentChanges(OccurredAt: now - Duration.FromHours(_random.Next(0, 200)), Killed: _random.Next(0, 4)), "a later report"),
                (8, _) => new RetractIncident(atBase, incident, "a duplicate"),
                _ => new AssessThreat(site, (ThreatLevel)_random.Next(1, 5), "intelligence", now + Duration.FromDays(_random.Next(1, 10))),
            };
            if (command is RecordIncident recorded)
            {
                incidents.Add((recorded.BaseId, recorded.IncidentId));
            }
            else if (command is RetractIncident retracted)
            {
                incidents.Remove((retracted.BaseId, retracted.IncidentId));
            }

            var before = new Dictionary<Guid, int>();
            foreach (var (id, _, _) in Sites)
            {
                before[id] = (await ChangesAsync(id)).Count;
            }

            await Host.Alba.InvokeMessageAndWaitAsync(command);
            // Its reassessment is batched with the changes of the moment (ADR 0031): wait until it is handled.
            await Host.WaitForQuietAsync();

            // The command's site and its neighbours are reassessed; the others wait for the sweep.
            var commanded = command switch
            {
                RecordIncident c => c.BaseId,
                CorrectIncident c => c.BaseId,
                RetractIncident c => c.BaseId,
                _ => ((AssessThreat)command).BaseId,
            };
            foreach (var id in await AffectedAsync(commanded))
            {
                var exact = await ExactAsync(id, now);
                var added = (await ChangesAsync(id)).Skip(before[id]).ToList();
                (await RecordedAsync(id)).ShouldBe(exact.Level, $"step {step}: {command}");
                if (added.Count > 0)
                {
                    // What is recorded is the exact scorer's answer: its level and its score, to the last bit.
                    var change = added.ShouldHaveSingleItem();
                    change.To.ShouldBe(exact.Level);
                    change.Score.ShouldBe(exact.Score);
                    change.At.ShouldBe(now);
                    changes++;
                }
            }

            await afterEach();
        }

        return changes;
    }

    [Fact]
    public async Task every_command_records_exactly_the_changes_of_band_that_scoring_every_incident_records()
    {
        await RegisterAsync();

        var changes = await RunCommandsAsync(() => Task.CompletedTask);

        changes.ShouldBeGreaterThan(5, "the commands moved bands up and down");
        await using var session = Host.Store.QuerySession();
        (await session.Query<SiteThreatSum>().ToListAsync()).Count(s => s.Serves(Host.Alba.Services.GetRequiredService<ThreatOptions>()))
            .ShouldBe(Sites.Length, "every sum is kept by the commands and can serve");
    }

    private async Task<Dictionary<Guid, JsonElement>> ListAsync(string query = "") =>
        (await Host.Alba.GetAsJson<JsonElement>("/api/sites" + query)).EnumerateArray()
        .ToDictionary(s => Guid.Parse(s.GetProperty("id").GetString()!), s => s.GetProperty("threat"));

    private async Task<Dictionary<Guid, string>> ListedThreatsAsync() => (await ListAsync()).ToDictionary(s => s.Key, s => s.Value.GetRawText());

    private async Task TheListSaysWhatEachSiteSaysAsync(string at)
    {
        var list = await ListAsync(at.Length == 0 ? "" : $"?at={at}");
        list.Count.ShouldBe(Sites.Length);
        foreach (var (id, threat) in list)
        {
            var site = (await Host.Alba.GetAsJson<JsonElement>($"/api/sites/{id}" + (at.Length == 0 ? "" : $"?at={at}"))).GetProperty("threat");
            threat.GetProperty("level").GetString().ShouldBe(site.GetProperty("level").GetString(), $"{id} at {at}");
            threat.GetProperty("score").GetDouble().ShouldBe(site.GetProperty("score").GetDouble(), $"{id} at {at}");
        }
    }

    [Fact]
    public async Task the_list_shows_each_site_as_its_own_view_does_now_and_at_an_earlier_instant()
    {
        await RegisterAsync();
        var start = Host.Clock.GetCurrentInstant();
        await RunCommandsAsync(async () =>
        {
            if (_random.Next(4) == 0)
            {
                await TheListSaysWhatEachSiteSaysAsync("");
            }
        });

        await TheListSaysWhatEachSiteSaysAsync("");
        await TheListSaysWhatEachSiteSaysAsync(Host.Clock.GetCurrentInstant().Plus(Duration.FromDays(45)).ToString());
        await TheListSaysWhatEachSiteSaysAsync(start.Plus(Duration.FromDays(20)).ToString());
    }

    [Fact]
    public async Task without_the_sums_the_list_and_the_reassessment_score_every_site_exactly()
    {
        await RegisterAsync();
        await RunCommandsAsync(() => Task.CompletedTask);
        var before = await ListedThreatsAsync();
        await using (var session = Host.Store.LightweightSession())
        {
            // A store kept from before the sums were: none exists until `posture projections rebuild` writes them.
            session.DeleteWhere<SiteThreatSum>(_ => true);
            await session.SaveChangesAsync();
        }

        (await ListedThreatsAsync()).ShouldBe(before);
        Host.Clock.Advance(Duration.FromDays(120));
        await Host.Alba.InvokeMessageAndWaitAsync(ReassessThreat.Everywhere("scheduled re-evaluation"));
        foreach (var (id, _, _) in Sites)
        {
            (await RecordedAsync(id)).ShouldBe((await ExactAsync(id, Host.Clock.GetCurrentInstant())).Level);
        }

        await using var query = Host.Store.QuerySession();
        (await query.Query<SiteThreatSum>().CountAsync()).ShouldBe(0, "the answers above were scored without any sum");
    }
}
