using System.Text.Json;
using Alba;
using Posture.Domain.Bases;
using Posture.Infrastructure.Bus;
using Posture.IntegrationTests.Infrastructure;
using Wolverine;

namespace Posture.IntegrationTests.Bases;

/// <summary>A retried request or a message delivered twice has its effect once, and gets the first answer again.</summary>
public sealed class when_a_command_is_retried(PostureHost host) : PostureScenario(host)
{
    private static readonly object Erbil = new { name = "Erbil Air Base", country = "Iraq", region = "Erbil", latitude = 36.2375, longitude = 43.9631 };

    private async Task<IScenarioResult> PostAsync(string url, object body, string? key, int status, string? user = null) =>
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            if (key is not null)
            {
                s.WithRequestHeader("Idempotency-Key", key);
            }

            if (user is not null)
            {
                s.As(user, Host.Clock);
            }

            s.StatusCodeShouldBe(status);
        });

    [Fact]
    public async Task a_creation_retried_under_the_same_key_answers_the_same_and_writes_once()
    {
        var first = await PostAsync("/api/bases", Erbil, "register-erbil-1", 201);
        var second = await PostAsync("/api/bases", Erbil, "register-erbil-1", 201);

        second.Context.Response.Headers.Location.ToString().ShouldBe(first.Context.Response.Headers.Location.ToString());
        (await second.ReadAsJsonAsync<JsonElement>()).GetProperty("id").GetGuid()
            .ShouldBe((await first.ReadAsJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        second.Context.Response.Headers["Idempotent-Replayed"].ToString().ShouldBe("true");
        first.Context.Response.Headers.ContainsKey("Idempotent-Replayed").ShouldBeFalse();
        (await Host.EventCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task an_attack_retried_under_the_same_key_is_recorded_once()
    {
        await Host.Alba.RegisterBaladAsync();
        var url = $"/api/bases/{Requests.Balad}/attacks";
        var first = await PostAsync(url, Requests.SeedAttackBody(), "balad-2021-02-20", 201);
        var second = await PostAsync(url, Requests.SeedAttackBody(), "balad-2021-02-20", 201);

        (await second.ReadAsJsonAsync<JsonElement>()).GetProperty("incidentId").GetGuid()
            .ShouldBe((await first.ReadAsJsonAsync<JsonElement>()).GetProperty("incidentId").GetGuid());
        (await Host.EventCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task the_same_key_for_a_different_request_is_a_422_and_writes_nothing()
    {
        await Host.Alba.RegisterBaladAsync();
        var url = $"/api/bases/{Requests.Balad}/attacks";
        await PostAsync(url, Requests.SeedAttackBody(), "key-1", 201);
        var other = Requests.SeedAttackBody();
        other["rounds"] = 3;

        var result = await PostAsync(url, other, "key-1", 422);

        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("key-1");
        (await Host.EventCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task keys_belong_to_their_caller()
    {
        await PostAsync("/api/bases", Erbil, "shared-key", 201, user: "officer.a");
        await PostAsync("/api/bases", Erbil, "shared-key", 201, user: "officer.b");
        (await Host.EventCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task a_malformed_key_is_a_400_before_anything_runs()
    {
        await PostAsync("/api/bases", Erbil, new string('k', 201), 400);
        (await Host.EventCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task a_refused_request_leaves_no_receipt_so_a_corrected_retry_is_decided_afresh()
    {
        await Host.Alba.RegisterBaladAsync();
        var url = $"/api/bases/{Requests.Balad}/attacks";
        var bad = Requests.SeedAttackBody();
        bad["rounds"] = -1;
        await PostAsync(url, bad, "key-2", 400);
        await PostAsync(url, bad, "key-2", 400);
        (await Host.EventCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task a_bus_message_delivered_twice_under_one_key_has_its_effect_once()
    {
        var bus = Host.Alba.Services.GetRequiredService<IMessageBus>();
        var command = new RegisterBase(Guid.NewGuid(), "NATO Mission Iraq HQ", "Iraq", "Baghdad", 33.31, 44.37);

        var first = await bus.SendCommandAsync(command, "coalition-feed", "msg-7781");
        var second = await bus.SendCommandAsync(command, "coalition-feed", "msg-7781");

        first.Accepted.ShouldBeTrue();
        first.Replayed.ShouldBeFalse();
        second.ShouldBe(first with { Replayed = true });
        (await Host.EventCountAsync()).ShouldBe(1);
    }
}
