using System.Text.Json;
using Alba;
using Marten;
using NodaTime;
using Posture.Domain.Threats;
using Posture.Infrastructure.Sites;
using Posture.IntegrationTests.Infrastructure;
using Wolverine.Tracking;

namespace Posture.IntegrationTests.Sites;

/// <summary>A change of band is recorded as an event in the site's threat stream, and a rise raises an alert.</summary>
public sealed class when_a_sites_level_crosses_a_band(PostureHost host) : PostureScenario(host)
{
    /// <summary>An attack like Erbil's, an hour before "now": rockets inside the base, one killed, nine injured.</summary>
    private static Dictionary<string, object?> SevereAttack()
    {
        var body = Requests.SeedAttackBody();
        body["occurredAt"] = "2021-02-21T08:00:00Z";
        body["impact"] = "inside";
        body["killed"] = 1;
        body["injured"] = 9;
        return body;
    }

    private async Task<IReadOnlyList<ThreatLevelChanged>> ChangesAsync()
    {
        await using var session = Host.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(ThreatRecord.StreamOf(Requests.Balad));
        return events.Select(e => e.Data).OfType<ThreatLevelChanged>().ToList();
    }

    /// <summary>Posts an attack, then waits for its batched reassessment and the alerts that cascades.</summary>
    private async Task AttackAndWaitAsync(Dictionary<string, object?> body)
    {
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(body).ToUrl($"/api/bases/{Requests.Balad}/attacks");
            s.StatusCodeShouldBe(201);
        });
        await Host.WaitForQuietAsync();
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
    }

    [Fact]
    public async Task an_attack_that_raises_the_level_is_recorded_and_alerted()
    {
        await AttackAndWaitAsync(SevereAttack());

        var change = (await ChangesAsync()).Single();
        change.From.ShouldBe(ThreatLevel.Low);
        change.To.ShouldBe(ThreatLevel.High);
        change.At.ShouldBe(PostureHost.Now);
        change.Cause.ShouldBe("incident recorded");

        var alerts = await Host.Alba.GetAsJson<JsonElement>("/api/alerts");
        var alert = alerts.EnumerateArray().Single();
        alert.GetProperty("kind").GetString().ShouldBe("threat-level-raised");
        alert.GetProperty("siteName").GetString().ShouldBe("Balad Air Base");
        alert.GetProperty("level").GetString().ShouldBe("high");
    }

    [Fact]
    public async Task an_attack_too_old_to_matter_now_records_no_change()
    {
        var old = SevereAttack();
        old["occurredAt"] = "2019-01-01T00:00:00Z";
        await AttackAndWaitAsync(old);
        (await ChangesAsync()).ShouldBeEmpty();
        (await Host.Alba.GetAsJson<JsonElement>("/api/alerts")).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task a_level_that_decays_across_bands_is_recorded_by_the_sweep_without_an_alert()
    {
        await AttackAndWaitAsync(SevereAttack());
        Host.Clock.Advance(Duration.FromDays(200));

        await Host.Alba.InvokeMessageAndWaitAsync(ReassessThreat.Everywhere("scheduled re-evaluation"));

        var changes = await ChangesAsync();
        changes.Count.ShouldBe(2);
        changes[1].From.ShouldBe(ThreatLevel.High);
        changes[1].To.ShouldBe(ThreatLevel.Low);
        changes[1].Cause.ShouldBe("scheduled re-evaluation");
        (await Host.Alba.GetAsJson<JsonElement>("/api/alerts")).GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task a_sweep_with_nothing_new_records_nothing()
    {
        await AttackAndWaitAsync(SevereAttack());
        await Host.Alba.InvokeMessageAndWaitAsync(ReassessThreat.Everywhere("scheduled re-evaluation"));
        (await ChangesAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task the_threat_stream_says_who_recorded_it()
    {
        await AttackAndWaitAsync(SevereAttack());
        await using var session = Host.Store.QuerySession();
        var recorded = (await session.Events.FetchStreamAsync(ThreatRecord.StreamOf(Requests.Balad))).Single();
        recorded.UserName.ShouldBe(ThreatReassessmentHandler.Caller);
        recorded.CorrelationId.ShouldNotBeNullOrWhiteSpace();
    }
}
