using System.Text.Json;
using Alba;
using NodaTime.Testing;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Limits;

/// <summary>A host with tight limits (3 writes a minute, 1 KB bodies), of its own so other tests are not throttled.</summary>
public sealed class LimitedHost(TestPostgres postgres) : IAsyncLifetime
{
    public IAlbaHost Alba { get; private set; } = null!;

    public FakeClock Clock { get; } = new(PostureHost.Now);

    public async ValueTask InitializeAsync() =>
        Alba = await PostureHost.StartAsync(postgres, Clock,
            "--Posture:Limits:WritesPerMinute=3", "--Posture:Limits:MaxBodyKilobytes=1");

    public async ValueTask DisposeAsync() => await Alba.DisposeAsync();
}

/// <summary>One caller cannot exhaust the service: writes are rate-limited per caller, bodies are capped.</summary>
public sealed class when_a_caller_asks_too_much(LimitedHost host) : IClassFixture<LimitedHost>
{
    private async Task<IScenarioResult> RegisterAsync(string user, int status, string name = "Camp") =>
        await host.Alba.Scenario(s =>
        {
            s.Post.Json(new { name, country = "Iraq", region = "Anbar", latitude = 33.4, longitude = 43.3 }).ToUrl("/api/bases");
            s.As(user, host.Clock);
            s.StatusCodeShouldBe(status);
        });

    [Fact]
    public async Task writes_past_the_callers_budget_are_a_429_problem_and_other_callers_are_unaffected()
    {
        // The bucket refills in real time a minute after the caller's first write. A first write to a cold host
        // compiles the handler, which on a loaded machine can take long enough for a refill to land inside the
        // four writes below; another caller pays for that first.
        await RegisterAsync("warming.officer", 201);

        for (var i = 0; i < 3; i++)
        {
            await RegisterAsync("busy.officer", 201);
        }

        var refused = await RegisterAsync("busy.officer", 429);
        var problem = await refused.ReadAsJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().ShouldBe("Too many writes");
        refused.Context.Response.Headers.RetryAfter.ToString().ShouldNotBeNullOrWhiteSpace();

        await RegisterAsync("quiet.officer", 201);
        await host.Alba.Scenario(s =>
        {
            s.Get.Url("/api/sites");
            s.As("busy.officer", host.Clock);
            s.StatusCodeShouldBe(200);
        });
    }

    [Fact]
    public async Task a_body_larger_than_the_limit_is_a_413_problem()
    {
        var result = await host.Alba.Scenario(s =>
        {
            s.Post.Json(new { name = new string('x', 2000), country = "Iraq", region = "Anbar", latitude = 33.4, longitude = 43.3 }).ToUrl("/api/bases");
            s.As("verbose.officer", host.Clock);
            s.StatusCodeShouldBe(413);
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("1 KB");
    }
}
