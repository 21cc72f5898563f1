using System.Text.Json;
using Alba;
using FsCheck;
using FsCheck.Fluent;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Hostile;

/// <summary>
/// The reads get the same treatment as the writes: every GET endpoint the host serves, its query parameters (from the
/// OpenAPI document) given hostile values -- instants at and past the ends of time, huge and negative numbers, junk --
/// never answers a server error, and a refusal is a 4xx ProblemDetails.
/// </summary>
public sealed class when_reads_receive_hostile_queries(PostureHost host) : PostureScenario(host)
{
    private const int CasesPerEndpoint = 25;

    private static readonly string[] Values =
    [
        "", " ", "0", "-1", "1", "2147483648", "-2147483649", "99999999999999999999", "1e400", "NaN", "Infinity", "-0",
        "0001-01-01T00:00:00Z", "-9998-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "10000-01-01T00:00:00Z",
        "2021-02-20T17:30:00Z", "2021-02-20", "yesterday", "high", "rocket", "rocket_attack_occurred", "Anbar",
        "0b1ad000-0000-4000-8000-000000000001", "00000000-0000-0000-0000-000000000000", "not-an-id", "%", "' or 1=1 --",
        "%' or d.data ->> 'kind' like '%", new string('x', 5000),
    ];

    private sealed record HostileQuery(string Url)
    {
        public override string ToString() => $"GET {Url}";
    }

    [Fact]
    public async Task every_read_endpoint_answers_hostile_queries_without_a_server_error()
    {
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.SallyportAtBaladAsync();
        await Host.Alba.RegisterBaghdadHqAsync();
        await Host.Alba.NatoMissionIraqAtBaghdadAsync();
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", Requests.SeedAttackBody(), 201);
        var known = new KnownStreams(Requests.Balad, PeopleRequests.Sallyport, PeopleRequests.NatoMissionIraq, Guid.NewGuid());
        var document = await Host.Alba.GetAsJson<JsonElement>("/openapi/v1.json");
        var routes = WriteEndpoint.Routes(Host.Alba, "GET").Where(r => r.StartsWith("/api/", StringComparison.Ordinal)).ToList();
        routes.Count.ShouldBeGreaterThanOrEqualTo(10);
        var statuses = new SortedDictionary<int, int>();
        foreach (var route in routes)
        {
            var parameters = QueryParameters(document, route);
            var query = Gen.SubListOf(parameters.ToArray()).SelectMany(
                names => Gen.CollectToList(names, name => Gen.Elements(Values).Select(v => $"{name}={Uri.EscapeDataString(v)}")),
                (_, pairs) => pairs.Count == 0 ? "" : "?" + string.Join("&", pairs));
            var cases = HostileRequests.Route(route, known).SelectMany(_ => query, (url, q) => new HostileQuery(url + q));
            await Task.Run(() => Check.One(
                Config.QuickThrowOnFailure.WithMaxTest(CasesPerEndpoint).WithName($"GET {route}"),
                Prop.ForAll(Arb.From(cases), request =>
                {
                    var status = GetAsync(request).GetAwaiter().GetResult();
                    lock (statuses)
                    {
                        statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    }
                })));
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
        statuses.Keys.ShouldAllBe(status => status < 500);
    }

    private async Task<int> GetAsync(HostileQuery request)
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Get.Url(request.Url);
            s.IgnoreStatusCode();
        });
        var status = result.Context.Response.StatusCode;
        status.ShouldBeLessThan(500, $"a server error for {request}: {await result.ReadAsTextAsync()}");
        if (status >= 400)
        {
            result.Context.Response.ContentType.ShouldStartWith("application/problem+json", Case.Insensitive, $"{status} for {request}");
        }

        return status;
    }

    private static List<string> QueryParameters(JsonElement document, string route) =>
        document.GetProperty("paths").TryGetProperty(route, out var path) && path.TryGetProperty("get", out var operation)
        && operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToList()
            : [];
}
