using System.Text.Json;
using Alba;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Bus;
using Posture.IntegrationTests.Infrastructure;
using Wolverine;

namespace Posture.IntegrationTests.Bases;

/// <summary>
/// An incident id names one incident at one base: the incident log keeps one row per id, so an id recorded at a
/// second base would be left out of the log and of that base's threat. It is refused instead, whoever asks first and
/// however close together the two reports come; a retracted incident's id is free again.
/// </summary>
public sealed class when_an_incident_id_is_used_at_two_bases(PostureHost host) : PostureScenario(host)
{
    private static readonly Instant Start = Instant.FromUtc(2021, 1, 1, 0, 0);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.RegisterBaghdadHqAsync();
    }

    [Fact]
    public async Task recording_an_id_another_base_holds_is_a_409_and_changes_nothing()
    {
        var incident = Guid.NewGuid();
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", Requests.SeedAttackBody(incident), 201);
        await Host.WaitForQuietAsync();
        var events = await Host.EventCountAsync();

        var refused = await Host.Alba.PostAsync($"/api/bases/{PeopleRequests.BaghdadHq}/attacks", Requests.SeedAttackBody(incident), 409);

        var detail = (await refused.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        detail.ShouldContain("another base");
        detail.ShouldContain(Requests.Balad.ToString());
        (await Host.EventCountAsync()).ShouldBe(events);
        var log = await Host.Alba.GetAsJson<JsonElement>($"/api/incidents?site={Requests.Balad}");
        log.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid().ShouldBe(incident);
    }

    [Fact]
    public async Task an_id_retracted_at_one_base_may_be_recorded_at_another()
    {
        var incident = Guid.NewGuid();
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", Requests.SeedAttackBody(incident), 201);
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/incidents/{incident}/retractions", new { reason = "reported at the wrong base" }, 200);

        await Host.Alba.PostAsync($"/api/bases/{PeopleRequests.BaghdadHq}/attacks", Requests.SeedAttackBody(incident), 201);

        var site = await Host.Alba.GetAsJson<JsonElement>($"/api/sites/{PeopleRequests.BaghdadHq}?at=2021-02-21T00:00:00Z");
        site.GetProperty("recentIncidents").EnumerateArray().Single().GetProperty("id").GetGuid().ShouldBe(incident);
    }

    [Fact]
    public async Task two_bases_recording_one_new_id_at_once_record_it_once()
    {
        for (var round = 0; round < 10; round++)
        {
            var incident = Guid.NewGuid();
            var report = new IncidentReport(
                Start + Duration.FromHours(round), TimePrecision.Hour, 1, Impact.OpenArea, 0, 0, null, Attribution.Unknown, null, "test", Confidence.Confirmed, null);
            var outcomes = await Task.WhenAll(
                Task.Run(() => SendAsync(new RecordIncident(Requests.Balad, incident, IncidentKind.Rocket, report))),
                Task.Run(() => SendAsync(new RecordIncident(PeopleRequests.BaghdadHq, incident, IncidentKind.Rocket, report))));

            outcomes.Count(o => o.Accepted).ShouldBe(1, $"round {round}");
            outcomes.Single(o => !o.Accepted).Rejection!.Reason.ShouldContain("another base");
        }

        await Host.WaitForQuietAsync();
        var verified = await ProjectionAudit.VerifyAsync(Host.Store, CancellationToken.None);
        verified.Identical.ShouldBeTrue(string.Join("\n", verified.Differences.Take(5)));
    }

    /// <summary>Each sender has its own scope, as two systems on the bus would.</summary>
    private async Task<CommandOutcome> SendAsync(object command)
    {
        using var scope = Host.Alba.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IMessageBus>().SendCommandAsync(command, "officer");
    }
}
