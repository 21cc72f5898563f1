using Alba;
using FsCheck;
using FsCheck.Fluent;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Hostile;

/// <summary>
/// Property-based fuzzing of every write endpoint the host serves (OWASP API Security Top 10, 2023): whatever a
/// caller sends -- wrong JSON types, missing and extra fields, huge numbers and strings, invalid UTF-8, deep nesting,
/// instants from year 1 to past 9999, ids of the wrong kind of stream, empty bodies, wrong content types -- the answer
/// is never a server error, a refusal is a 4xx ProblemDetails that writes nothing, and a request that no reading makes
/// valid is never accepted.
/// </summary>
public sealed class when_writes_receive_hostile_input(PostureHost host) : PostureScenario(host)
{
    /// <summary>Cases per endpoint: 18 endpoints today, so some 540 requests, a few seconds.</summary>
    private const int CasesPerEndpoint = 30;

    private static readonly Guid SeedIncident = Guid.Parse("1ac1de00-0000-4000-8000-000000000001");

    private KnownStreams _known = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.SallyportAtBaladAsync();
        await Host.Alba.RegisterBaghdadHqAsync();
        await Host.Alba.NatoMissionIraqAtBaghdadAsync();
        var attack = Requests.SeedAttackBody();
        attack["incidentId"] = SeedIncident;
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/attacks", attack, 201);
        _known = new KnownStreams(Requests.Balad, PeopleRequests.Sallyport, PeopleRequests.NatoMissionIraq, SeedIncident);
    }

    [Fact]
    public async Task every_write_endpoint_answers_hostile_input_with_a_4xx_and_writes_nothing()
    {
        var endpoints = await WriteEndpoint.AllAsync(Host.Alba);
        endpoints.Count.ShouldBeGreaterThanOrEqualTo(18);
        var tally = new Tally();
        foreach (var endpoint in endpoints)
        {
            var cases = Arb.From(HostileRequests.For(endpoint, _known));
            // The property blocks on the host; run it off xunit's context so nothing waits on itself.
            await Task.Run(() => Check.One(
                Config.QuickThrowOnFailure.WithMaxTest(CasesPerEndpoint).WithName(endpoint.ToString()),
                Prop.ForAll(cases, request => SendAsync(request, tally).GetAwaiter().GetResult())));
        }

        TestContext.Current.TestOutputHelper?.WriteLine(tally.ToString());
        tally.Cases.ShouldBe(endpoints.Count * CasesPerEndpoint);
        tally.ServerErrors.ShouldBe(0);
        tally.Refused.ShouldBeGreaterThan(tally.Cases / 2, "most hostile requests are refused");
    }

    private async Task SendAsync(HostileRequest request, Tally tally)
    {
        var before = await Host.EventCountAsync();
        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Url(request.Url);
            s.ByteArray(request.Body);
            s.ConfigureHttpContext(http => http.Request.ContentType = request.ContentType);
            if (request.Header is { } header)
            {
                s.WithRequestHeader(header.Name, header.Value);
            }

            s.IgnoreStatusCode();
        });
        var status = result.Context.Response.StatusCode;
        tally.Count(status, request.MustRefuse);
        status.ShouldBeLessThan(500, $"a server error for {request}");
        if (status >= 400)
        {
            result.Context.Response.ContentType.ShouldStartWith("application/problem+json", Case.Insensitive, $"{status} for {request}");
            (await Host.EventCountAsync()).ShouldBe(before, $"a refused request wrote events: {request}");
        }
        else
        {
            request.MustRefuse.ShouldBeFalse($"accepted with {status}: {request}");
        }
    }

    /// <summary>What the fuzzing saw, for the report: cases, answers by status, and how many of them must have been refused.</summary>
    private sealed class Tally
    {
        private readonly SortedDictionary<int, int> _byStatus = [];

        public int Cases { get; private set; }

        public int MustRefuse { get; private set; }

        public int Refused => _byStatus.Where(s => s.Key is >= 400 and < 500).Sum(s => s.Value);

        public int ServerErrors => _byStatus.Where(s => s.Key >= 500).Sum(s => s.Value);

        public void Count(int status, bool mustRefuse)
        {
            lock (_byStatus)
            {
                Cases++;
                MustRefuse += mustRefuse ? 1 : 0;
                _byStatus[status] = _byStatus.GetValueOrDefault(status) + 1;
            }
        }

        public override string ToString() =>
            $"{Cases} cases ({MustRefuse} that must be refused): {Refused} answered 4xx, {ServerErrors} 5xx; by status "
            + string.Join(", ", _byStatus.Select(s => $"{s.Key}: {s.Value}"));
    }
}
