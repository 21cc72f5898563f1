using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Contractors;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Bus;
using Posture.IntegrationTests.Infrastructure;
using Wolverine;

namespace Posture.IntegrationTests.Sites;

/// <summary>
/// One site's read model is changed by two kinds of streams: its Base stream (incidents move its version on) and the
/// contractors' and missions' streams (who is there). Commands on different streams do not wait for one another, so
/// an incident and a deployment at the same base can commit at the same moment. Neither may lose the other's change:
/// afterwards the site row is exactly what folding every event gives.
/// </summary>
public sealed class when_a_sites_writers_race(PostureHost host) : PostureScenario(host)
{
    private const int Rounds = 20;
    private static readonly Instant Start = Instant.FromUtc(2021, 1, 1, 0, 0);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.SallyportAtBaladAsync(10);
    }

    [Fact]
    public async Task an_incident_and_a_deployment_at_once_both_reach_the_site()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var at = Start + Duration.FromHours(round);
            var outcomes = await Task.WhenAll(
                Task.Run(() => SendAsync(new RecordIncident(Requests.Balad, Guid.NewGuid(), IncidentKind.Rocket, Report(at)))),
                Task.Run(() => SendAsync(new DeployContractors(PeopleRequests.Sallyport, Requests.Balad, 1, at))));
            outcomes.ShouldAllBe(o => o.Accepted, $"round {round}");
        }

        await Host.WaitForQuietAsync();
        var verified = await ProjectionAudit.VerifyAsync(Host.Store, CancellationToken.None);
        verified.Identical.ShouldBeTrue(string.Join("\n", verified.Differences.Take(5)));
    }

    private static IncidentReport Report(Instant at) => new(
        at, TimePrecision.Hour, 0, Impact.OpenArea, 0, 1, null, Attribution.Unknown, null, "test", Confidence.Confirmed, null);

    /// <summary>Each sender has its own scope, as two systems on the bus would.</summary>
    private async Task<CommandOutcome> SendAsync(object command)
    {
        using var scope = Host.Alba.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IMessageBus>().SendCommandAsync(command, "officer");
    }
}
