using System.Text.Json;
using Alba;
using NodaTime;
using Posture.Domain.Contractors;
using Posture.Infrastructure.Bus;
using Posture.IntegrationTests.Infrastructure;
using Wolverine;
using static Posture.IntegrationTests.Infrastructure.PeopleRequests;

namespace Posture.IntegrationTests.Contractors;

/// <summary>Idempotency-Key covers the Contractor handlers too: a retry has its effect once and gets the first answer.</summary>
public sealed class when_a_contractor_command_is_retried(PostureHost host) : PostureScenario(host)
{
    private static readonly object Evacuate10 = new { baseId = Requests.Balad, count = 10, at = Attack, destination = "Erbil", reason = "rockets on the base" };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
    }

    [Fact]
    public async Task an_engagement_retried_later_under_the_same_key_is_the_same_engagement()
    {
        // No id and no engagedAt: both are made on the server, and a retry must still be the same command.
        var body = new { company = "Sallyport", programme = "Iraqi F-16 programme" };
        var first = await Host.Alba.PostAsync("/api/contractors", body, 201, idempotencyKey: "engage-sallyport");
        Host.Clock.Advance(Duration.FromMinutes(3));
        var second = await Host.Alba.PostAsync("/api/contractors", body, 201, idempotencyKey: "engage-sallyport");

        var id = (await first.ReadAsJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await second.ReadAsJsonAsync<JsonElement>()).GetProperty("id").GetGuid().ShouldBe(id);
        second.Context.Response.Headers.Location.ToString().ShouldBe($"/api/contractors/{id}");
        second.Context.Response.Headers["Idempotent-Replayed"].ToString().ShouldBe("true");
        (await Host.StreamAsync(id)).ShouldHaveSingleItem().ShouldBeOfType<ContractorEngaged>().EngagedAt.ShouldBe(PostureHost.Now);
        (await Host.EventCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task an_evacuation_retried_under_the_same_key_takes_people_away_once()
    {
        await Host.Alba.SallyportAtBaladAsync(46);
        var url = ContractorUrl(Sallyport, "evacuations");

        var first = await Host.Alba.PostAsync(url, Evacuate10, 200, idempotencyKey: "evac-balad-1");
        var second = await Host.Alba.PostAsync(url, Evacuate10, 200, idempotencyKey: "evac-balad-1");

        (await second.ReadAsJsonAsync<JsonElement>()).GetProperty("version").GetInt64()
            .ShouldBe((await first.ReadAsJsonAsync<JsonElement>()).GetProperty("version").GetInt64());
        second.Context.Response.Headers["Idempotent-Replayed"].ToString().ShouldBe("true");
        (await Host.StreamAsync(Sallyport)).OfType<ContractorsEvacuated>().ShouldHaveSingleItem().Count.ShouldBe(10);
        var contractor = await Host.Alba.GetAsJson<JsonElement>($"/api/contractors/{Sallyport}");
        contractor.GetProperty("sites")[0].GetProperty("people").GetInt32().ShouldBe(36);
    }

    [Fact]
    public async Task the_same_key_for_a_different_evacuation_is_a_422_and_writes_nothing()
    {
        await Host.Alba.SallyportAtBaladAsync(46);
        var url = ContractorUrl(Sallyport, "evacuations");
        await Host.Alba.PostAsync(url, Evacuate10, 200, idempotencyKey: "evac-balad-2");

        var result = await Host.Alba.PostAsync(
            url, new { baseId = Requests.Balad, count = 11, at = Attack, destination = "Erbil", reason = "rockets on the base" }, 422,
            idempotencyKey: "evac-balad-2");

        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("evac-balad-2");
        (await Host.EventCountAsync()).ShouldBe(4);
    }

    [Fact]
    public async Task an_evacuation_delivered_twice_on_the_bus_under_one_key_has_its_effect_once()
    {
        await Host.Alba.SallyportAtBaladAsync(46);
        var bus = Host.Alba.Services.GetRequiredService<IMessageBus>();
        var command = new EvacuateContractors(Sallyport, Requests.Balad, 10, "Erbil", "rockets on the base", Instant.FromUtc(2021, 2, 20, 18, 0));

        var first = await bus.SendCommandAsync(command, "sallyport-feed", "msg-0220-1");
        var second = await bus.SendCommandAsync(command, "sallyport-feed", "msg-0220-1");

        first.Accepted.ShouldBeTrue();
        second.ShouldBe(first with { Replayed = true });
        (await Host.EventCountAsync()).ShouldBe(4);
    }
}
