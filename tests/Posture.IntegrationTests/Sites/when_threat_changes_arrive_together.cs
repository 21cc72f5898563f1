using Marten;
using Posture.Domain.Bases;
using Posture.Domain.Incidents;
using Posture.Domain.Threats;
using Posture.Infrastructure.Bus;
using Posture.Infrastructure.Sites;
using Posture.IntegrationTests.Infrastructure;
using Wolverine;

namespace Posture.IntegrationTests.Sites;

/// <summary>
/// The reassessments that commands at once ask for are batched (ADR 0031): fewer transactions than commands, and
/// every site's recorded level exactly what scoring its incidents says, as when each command was reassessed alone.
/// </summary>
public sealed class when_threat_changes_arrive_together(PostureHost host) : PostureScenario(host)
{
    /// <summary>Eight sites a degree of latitude apart: none is another's neighbour, so each needs its own change recorded.</summary>
    private static readonly Guid[] Sites = [.. Enumerable.Range(1, 8).Select(i => Guid.Parse($"c0a1e5ce-0000-4000-8000-00000000000{i}"))];

    private IMessageBus Bus => Host.Alba.Services.GetRequiredService<IMessageBus>();

    /// <summary>An attack like Erbil's, an hour before "now": rockets inside the base, one killed, nine injured.</summary>
    private static RecordIncident SevereAttack(Guid site) => new(
        site, Guid.NewGuid(), IncidentKind.Rocket,
        new IncidentReport(PostureHost.Now.Minus(NodaTime.Duration.FromHours(1)), TimePrecision.Hour, 3, Impact.Inside, 1, 9, Affiliation.Contractor,
            Attribution.Unknown, null, "AP", Confidence.Confirmed, null));

    [Fact]
    public async Task several_commands_at_once_are_reassessed_in_fewer_transactions_and_record_the_same_levels()
    {
        for (var i = 0; i < Sites.Length; i++)
        {
            (await Bus.InvokeAsync<CommandOutcome>(new RegisterBase(Sites[i], $"Site {i + 1}", "Iraq", "Anbar", 30.0 + i, 43.0))).Accepted.ShouldBeTrue();
        }

        var outcomes = await Task.WhenAll(Sites.Select(site => Bus.InvokeAsync<CommandOutcome>(SevereAttack(site))));
        outcomes.ShouldAllBe(o => o.Accepted);
        await Host.WaitForQuietAsync();

        await using var session = Host.Store.QuerySession();
        var reader = Host.Alba.Services.GetRequiredService<SiteReader>();
        var causations = new HashSet<string?>();
        foreach (var site in Sites)
        {
            var exact = (await reader.AroundAsync(session, site, CancellationToken.None)).ShouldNotBeNull().Threat(site, PostureHost.Now);
            exact.Level.ShouldBe(ThreatLevel.High, "the attack alone raises each site");
            var recorded = (await session.Events.FetchStreamAsync(ThreatRecord.StreamOf(site))).ShouldHaveSingleItem();
            var change = recorded.Data.ShouldBeOfType<ThreatLevelChanged>();
            change.From.ShouldBe(ThreatLevel.Low);
            change.To.ShouldBe(exact.Level);
            change.Score.ShouldBe(exact.Score);
            change.At.ShouldBe(PostureHost.Now);
            change.Cause.ShouldBe("incident recorded", "several changes with one cause are named once");
            recorded.CorrelationId.ShouldNotBeNullOrWhiteSpace();
            causations.Add(recorded.CausationId);
        }

        // One reassessment transaction is one causation: reassessed one by one, the eight changes would carry eight.
        causations.Count.ShouldBeLessThan(Sites.Length);
        (await session.Query<Alert>().CountAsync()).ShouldBe(Sites.Length, "each rise is alerted once");
    }

    [Fact]
    public async Task a_lone_commands_reassessment_is_correlated_with_the_command()
    {
        (await Bus.InvokeAsync<CommandOutcome>(new RegisterBase(Sites[0], "Site 1", "Iraq", "Anbar", 30.0, 43.0))).Accepted.ShouldBeTrue();
        (await Bus.InvokeAsync<CommandOutcome>(SevereAttack(Sites[0]))).Accepted.ShouldBeTrue();
        await Host.WaitForQuietAsync();

        await using var session = Host.Store.QuerySession();
        var attack = (await session.Events.FetchStreamAsync(Sites[0]))[^1];
        var change = (await session.Events.FetchStreamAsync(ThreatRecord.StreamOf(Sites[0]))).ShouldHaveSingleItem();
        attack.CorrelationId.ShouldNotBeNullOrWhiteSpace();
        change.CorrelationId.ShouldBe(attack.CorrelationId);
    }
}
