using System.Net;
using System.Net.Http.Json;
using NodaTime;
using NodaTime.Text;
using Posture.Domain.Common;
using Posture.Domain.Contractors;
using Posture.Domain.Sites;
using Posture.Infrastructure.Bus;
using Posture.IntegrationTests.Infrastructure;
using Wolverine;

namespace Posture.IntegrationTests.Contractors;

/// <summary>
/// Two officers evacuate people of one contractor from one base at the same moment, together more than are there.
/// Each alone would fit; both cannot. The loser of the race is retried (ADR 0009), decides again on the fresh
/// state, and is refused: never both accepted, never fewer than none at the base, no accepted evacuation lost.
/// </summary>
public sealed class when_evacuations_race(PostureHost host) : PostureScenario(host)
{
    private const int People = 10;
    private const int Rounds = 25;
    private static readonly Instant Start = Instant.FromUtc(2021, 1, 1, 0, 0);

    public enum Route
    {
        Bus,
        Http,
    }

    private sealed record Attempt(int Count, bool Accepted);

    public static TheoryData<Route, Route> Pairs() => new()
    {
        { Route.Bus, Route.Bus },
        { Route.Http, Route.Http },
        { Route.Bus, Route.Http },
    };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.SallyportAtBaladAsync(People);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task two_evacuations_that_together_exceed_the_headcount_never_both_succeed(Route first, Route second)
    {
        using var http = Host.Alba.CreateClient(Host.Clock);
        var accepted = new List<int>();
        for (var round = 0; round < Rounds; round++)
        {
            // Every split of People + 1: each side fits alone, both together are one too many.
            var count = 1 + (round % People);
            var at = Start + Duration.FromHours(round);
            var attempts = await Task.WhenAll(
                Task.Run(() => EvacuateAsync(first, http, count, at)),
                Task.Run(() => EvacuateAsync(second, http, People + 1 - count, at)));

            var won = attempts.Where(a => a.Accepted).ShouldHaveSingleItem($"round {round}: exactly one of the two evacuations is accepted");
            accepted.Add(won.Count);

            // Bring them back as a new deployment, so the next round races over the full headcount again.
            var redeployed = await SendAsync(new DeployContractors(PeopleRequests.Sallyport, Requests.Balad, won.Count, at + Duration.FromMinutes(30)));
            redeployed.Accepted.ShouldBeTrue();
        }

        var history = await Host.StreamAsync(PeopleRequests.Sallyport);
        var moments = history.Select(AtOf).OfType<Instant>().Distinct();
        foreach (var moment in moments)
        {
            Headcount.OfSite(history, Requests.Balad, moment).Contractors.ShouldBeGreaterThanOrEqualTo(0, $"at {moment}");
        }

        var evacuated = history.OfType<ContractorsEvacuated>().Select(e => e.Count).ToList();
        evacuated.ShouldBe(accepted, "every accepted evacuation is in the stream, in order, and no refused one");
        var redeployedTotal = history.OfType<ContractorsDeployed>().Sum(e => e.Count) - People;
        redeployedTotal.ShouldBe(accepted.Sum());
        var now = Headcount.OfSite(history, Requests.Balad, PostureHost.Now).Contractors;
        now.ShouldBe(People, "people removed are exactly the accepted evacuations");
        history.Aggregate((Contractor?)null, Contractor.Evolve)!.PeopleAt(Requests.Balad).LowestFrom(Instant.MinValue).ShouldBe(0);
    }

    private async Task<Attempt> EvacuateAsync(Route route, HttpClient http, int count, Instant at)
    {
        if (route == Route.Bus)
        {
            var outcome = await SendAsync(new EvacuateContractors(PeopleRequests.Sallyport, Requests.Balad, count, "Erbil", "rockets on the base", at));
            if (!outcome.Accepted)
            {
                outcome.Rejection!.Kind.ShouldBe(RejectionKind.Conflict);
            }

            return new Attempt(count, outcome.Accepted);
        }

        using var response = await http.PostAsJsonAsync(
            PeopleRequests.ContractorUrl(PeopleRequests.Sallyport, "evacuations"),
            new { baseId = Requests.Balad, count, at = InstantPattern.General.Format(at), destination = "Erbil", reason = "rockets on the base" });
        response.StatusCode.ShouldBeOneOf(HttpStatusCode.OK, HttpStatusCode.Conflict);
        return new Attempt(count, response.StatusCode == HttpStatusCode.OK);
    }

    /// <summary>Each sender has its own scope, as two systems on the bus would.</summary>
    private async Task<CommandOutcome> SendAsync(object command)
    {
        using var scope = Host.Alba.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IMessageBus>().SendCommandAsync(command, "officer");
    }

    private static Instant? AtOf(object @event) => @event switch
    {
        ContractorsDeployed e => e.At,
        ContractorsEvacuated e => e.At,
        _ => null,
    };
}
