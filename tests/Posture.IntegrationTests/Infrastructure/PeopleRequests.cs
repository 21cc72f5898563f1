using System.Text.Json;
using Alba;
using Marten;

namespace Posture.IntegrationTests.Infrastructure;

/// <summary>
/// The seed story's people as HTTP bodies: Sallyport (the contractor at Balad), NATO Mission Iraq and its Baghdad
/// headquarters, with the instants the domain specs use (those no source gives are illustrative).
/// </summary>
public static class PeopleRequests
{
    public static readonly Guid BaghdadHq = Guid.Parse("0ba9dad0-0000-4000-8000-000000000003");
    public static readonly Guid Sallyport = Guid.Parse("5a11e000-0000-4000-8000-000000000001");
    public static readonly Guid NatoMissionIraq = Guid.Parse("0a700000-0000-4000-8000-000000000001");

    public const string SallyportEngaged = "2017-12-01T00:00:00Z";
    public const string In2018 = "2018-03-01T00:00:00Z";
    public const string NmiLaunched = "2018-10-15T00:00:00Z";
    public const string Evacuation = "2020-01-05T00:00:00Z";
    public const string Return = "2020-09-01T00:00:00Z";
    public const string Expansion = "2021-02-18T00:00:00Z";
    public const string Attack = "2021-02-20T17:30:00Z";

    public static string ContractorUrl(Guid id, string what) => $"/api/contractors/{id}/{what}";

    public static string MissionUrl(Guid id, string what) => $"/api/missions/{id}/{what}";

    public static object BaghdadHqBody() => new
    {
        id = BaghdadHq,
        name = "NATO Mission Iraq HQ",
        country = "Iraq",
        region = "Baghdad",
        latitude = 33.3128,
        longitude = 44.3615,
    };

    public static Dictionary<string, object?> SallyportBody() => new()
    {
        ["id"] = Sallyport,
        ["company"] = "Sallyport",
        ["programme"] = "Iraqi F-16 programme",
        ["engagedAt"] = SallyportEngaged,
    };

    public static Dictionary<string, object?> NatoMissionIraqBody() => new()
    {
        ["id"] = NatoMissionIraq,
        ["name"] = "NATO Mission Iraq",
        ["authorisedStrength"] = 500,
        ["launchedAt"] = NmiLaunched,
        ["locations"] = new[] { BaghdadHq },
    };

    /// <summary>Posts a JSON body and checks the status; the result's body can be read afterwards.</summary>
    public static async Task<IScenarioResult> PostAsync(this IAlbaHost host, string url, object body, int status, string? idempotencyKey = null) =>
        await host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            if (idempotencyKey is not null)
            {
                s.WithRequestHeader("Idempotency-Key", idempotencyKey);
            }

            s.StatusCodeShouldBe(status);
        });

    public static async Task RegisterBaghdadHqAsync(this IAlbaHost host) => await host.PostAsync("/api/bases", BaghdadHqBody(), 201);

    /// <summary>Sallyport engaged and, from 2018, its 1,850 people at Balad (Balad must be registered).</summary>
    public static async Task SallyportAtBaladAsync(this IAlbaHost host, int people = 1850)
    {
        await host.PostAsync("/api/contractors", SallyportBody(), 201);
        await host.PostAsync(ContractorUrl(Sallyport, "deployments"), new { baseId = Requests.Balad, count = people, at = In2018 }, 200);
    }

    /// <summary>NATO Mission Iraq launched in 2018, 500 strong, with all 500 at its Baghdad HQ (which must be registered).</summary>
    public static async Task NatoMissionIraqAtBaghdadAsync(this IAlbaHost host)
    {
        await host.PostAsync("/api/missions", NatoMissionIraqBody(), 201);
        await host.PostAsync(MissionUrl(NatoMissionIraq, "assignments"), new { baseId = BaghdadHq, count = 500, at = NmiLaunched }, 200);
    }

    public static async Task<IReadOnlyList<object>> StreamAsync(this PostureHost host, Guid streamId)
    {
        ArgumentNullException.ThrowIfNull(host);
        await using var session = host.Store.QuerySession();
        return (await session.Events.FetchStreamAsync(streamId)).Select(e => e.Data).ToList();
    }

    /// <summary>
    /// Posts raw JSON that must be refused with <paramref name="status"/> as a problem, and writes nothing. With
    /// <paramref name="expected"/>, a 400 must name exactly those fields (comma-separated) and any other status must
    /// hold it in its detail.
    /// </summary>
    public static async Task ShouldRefuseAsync(this PostureHost host, string url, string json, int status, string? expected = null, string? why = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var before = await host.EventCountAsync();
        var result = await host.Alba.Scenario(s =>
        {
            s.Post.Text(json).ToUrl(url);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(status);
            s.ContentTypeShouldBe("application/problem+json");
        });

        if (expected is not null && status == 400)
        {
            await result.ShouldNameFieldsAsync(expected.Split(','));
        }
        else if (expected is not null)
        {
            (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain(expected, Case.Sensitive, why);
        }

        (await host.EventCountAsync()).ShouldBe(before, why);
    }

    /// <summary>A problem's <c>errors</c> member names exactly these fields.</summary>
    public static async Task ShouldNameFieldsAsync(this IScenarioResult result, params string[] fields)
    {
        ArgumentNullException.ThrowIfNull(result);
        var errors = (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().Select(p => p.Name).Order().ShouldBe(fields.Order());
    }
}
