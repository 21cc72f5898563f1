using System.Text.Json;
using Alba;
using Marten;
using NodaTime;
using Posture.Domain.Contractors;
using Posture.Domain.Sites;
using Posture.IntegrationTests.Infrastructure;
using static Posture.IntegrationTests.Infrastructure.PeopleRequests;

namespace Posture.IntegrationTests.Contractors;

/// <summary>Each Contractor command through HTTP, and the seed story: Sallyport at Balad, 46 people there on the night of the attack.</summary>
public sealed class when_contractors_are_engaged_and_moved_over_http(PostureHost host) : PostureScenario(host)
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
    }

    [Fact]
    public async Task an_engagement_is_created_and_readable_at_its_location()
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Json(SallyportBody()).ToUrl("/api/contractors");
            s.StatusCodeShouldBe(201);
            s.Header("Location").SingleValueShouldEqual($"/api/contractors/{Sallyport}");
        });
        var created = await result.ReadAsJsonAsync<JsonElement>();
        created.GetProperty("id").GetGuid().ShouldBe(Sallyport);
        created.GetProperty("version").GetInt64().ShouldBe(1);

        var contractor = await Host.Alba.GetAsJson<JsonElement>($"/api/contractors/{Sallyport}");
        contractor.GetProperty("company").GetString().ShouldBe("Sallyport");
        contractor.GetProperty("programme").GetString().ShouldBe("Iraqi F-16 programme");
        contractor.GetProperty("engagedAt").GetString().ShouldBe(SallyportEngaged);
        contractor.GetProperty("sites").GetArrayLength().ShouldBe(0);

        await using var session = Host.Store.QuerySession();
        (await session.Events.FetchStreamAsync(Sallyport)).Single().EventTypeName.ShouldBe("contractor_engaged");
    }

    [Fact]
    public async Task an_engagement_without_an_id_or_a_date_gets_an_id_and_begins_now()
    {
        var result = await Host.Alba.PostAsync("/api/contractors", new { company = "Lockheed Martin", programme = "Iraqi F-16 programme" }, 201);
        var id = (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        id.ShouldNotBe(Guid.Empty);
        result.Context.Response.Headers.Location.ToString().ShouldBe($"/api/contractors/{id}");
        (await Host.StreamAsync(id)).Single().ShouldBeOfType<ContractorEngaged>().EngagedAt.ShouldBe(PostureHost.Now);
    }

    [Fact]
    public async Task sallyport_is_deployed_evacuated_and_returned_and_46_are_at_balad_when_the_rockets_land()
    {
        await Host.Alba.SallyportAtBaladAsync();
        var evacuated = await Host.Alba.PostAsync(
            ContractorUrl(Sallyport, "evacuations"),
            new { baseId = Requests.Balad, count = 1830, at = Evacuation, reason = "threats to foreign personnel after 3 January 2020" },
            200);
        (await evacuated.ReadAsJsonAsync<JsonElement>()).GetProperty("version").GetInt64().ShouldBe(3);
        await Host.Alba.PostAsync(ContractorUrl(Sallyport, "returns"), new { baseId = Requests.Balad, count = 26, at = Return }, 200);
        var injured = await Host.Alba.PostAsync(
            ContractorUrl(Sallyport, "casualties"), new { baseId = Requests.Balad, injured = 1, at = Attack }, 200);
        var answer = await injured.ReadAsJsonAsync<JsonElement>();
        answer.GetProperty("contractorId").GetGuid().ShouldBe(Sallyport);
        answer.GetProperty("version").GetInt64().ShouldBe(5);

        var history = await Host.StreamAsync(Sallyport);
        history.Select(e => e.GetType()).ShouldBe(
            [typeof(ContractorEngaged), typeof(ContractorsDeployed), typeof(ContractorsEvacuated), typeof(ContractorsReturned), typeof(ContractorCasualtiesReported)]);
        var attack = Instant.FromUtc(2021, 2, 20, 17, 30);
        var balad = Headcount.OfSite(history, Requests.Balad, attack);
        balad.Contractors.ShouldBe(46);
        balad.ByOrganisation.ShouldHaveSingleItem().Organisation.ShouldBe("Sallyport");
        Headcount.OfSite(history, Requests.Balad, Instant.FromUtc(2020, 1, 5, 0, 0)).Contractors.ShouldBe(20);

        var contractor = await Host.Alba.GetAsJson<JsonElement>($"/api/contractors/{Sallyport}");
        contractor.GetProperty("version").GetInt64().ShouldBe(5);
        var site = contractor.GetProperty("sites").EnumerateArray().ShouldHaveSingleItem();
        site.GetProperty("baseId").GetGuid().ShouldBe(Requests.Balad);
        site.GetProperty("people").GetInt32().ShouldBe(46);
        site.GetProperty("evacuated").GetInt32().ShouldBe(1804);
    }

    [Fact]
    public async Task an_evacuation_keeps_its_destination_and_reason()
    {
        await Host.Alba.SallyportAtBaladAsync(46);
        await Host.Alba.PostAsync(
            ContractorUrl(Sallyport, "evacuations"),
            new { baseId = Requests.Balad, count = 40, at = Attack, destination = " Erbil ", reason = "rockets on the base" },
            200);

        var evacuation = (await Host.StreamAsync(Sallyport))[^1].ShouldBeOfType<ContractorsEvacuated>();
        evacuation.Destination.ShouldBe("Erbil");
        evacuation.Reason.ShouldBe("rockets on the base");
        evacuation.Count.ShouldBe(40);
        evacuation.At.ShouldBe(Instant.FromUtc(2021, 2, 20, 17, 30));
    }

    [Fact]
    public async Task a_killed_worker_is_no_longer_counted_at_the_site()
    {
        await Host.Alba.SallyportAtBaladAsync(46);
        await Host.Alba.PostAsync(ContractorUrl(Sallyport, "casualties"), new { baseId = Requests.Balad, killed = 1, injured = 9, at = Attack }, 200);

        var reported = (await Host.StreamAsync(Sallyport))[^1].ShouldBeOfType<ContractorCasualtiesReported>();
        (reported.Killed, reported.Injured).ShouldBe((1, 9));
        var contractor = await Host.Alba.GetAsJson<JsonElement>($"/api/contractors/{Sallyport}");
        contractor.GetProperty("sites")[0].GetProperty("people").GetInt32().ShouldBe(45);
    }

    [Fact]
    public async Task who_sent_each_command_is_recorded_on_its_event()
    {
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(SallyportBody()).ToUrl("/api/contractors");
            s.As("sallyport.security", Host.Clock);
            s.StatusCodeShouldBe(201);
        });

        await using var session = Host.Store.QuerySession();
        (await session.Events.FetchStreamAsync(Sallyport)).Single().UserName.ShouldBe("sallyport.security");
    }

    [Fact]
    public async Task an_unknown_contractor_is_a_404_problem()
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Get.Url($"/api/contractors/{Guid.NewGuid()}");
            s.StatusCodeShouldBe(404);
            s.ContentTypeShouldBe("application/problem+json");
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("no contractor");
    }

    [Fact]
    public async Task a_base_is_not_a_contractor()
    {
        await Host.Alba.Scenario(s =>
        {
            s.Get.Url($"/api/contractors/{Requests.Balad}");
            s.StatusCodeShouldBe(404);
        });
    }
}
