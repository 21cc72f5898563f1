using Posture.IntegrationTests.Infrastructure;
using static Posture.IntegrationTests.Infrastructure.PeopleRequests;

namespace Posture.IntegrationTests.Contractors;

/// <summary>
/// Every way a Contractor command can be refused over HTTP: 400 naming each bad field, 404 for an unknown contractor
/// or base, 409 for a business rule. Sallyport has 46 people at Balad; nothing is written by any refusal.
/// </summary>
public sealed class when_contractor_commands_are_refused_over_http(PostureHost host) : PostureScenario(host)
{
    private static readonly Guid UnknownContractor = Guid.Parse("00000000-0000-4000-8000-0000000000cc");
    private static readonly Guid UnknownBase = Guid.Parse("00000000-0000-4000-8000-0000000000ff");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.SallyportAtBaladAsync(46);
    }

    // {S} Sallyport, {X} an unknown contractor, {B} Balad, {U} an unregistered base. 400s list the fields the problem
    // must name (exactly); 404s and 409s a phrase its detail must hold.
    public static TheoryData<string, string, string, int, string> Refusals() => new()
    {
        { "engaging an engaged contractor", "/api/contractors", """{"id": "{S}", "company": "Sallyport", "programme": "F-16"}""", 409, "already engaged" },
        { "engaging without a company", "/api/contractors", """{"company": "", "programme": "F-16"}""", 400, "company" },
        { "engaging with every field bad", "/api/contractors", """{"company": " ", "programme": "", "engagedAt": "2021-02-21T09:00:01Z"}""", 400, "company,engagedAt,programme" },
        { "engaging with the empty id", "/api/contractors", """{"id": "00000000-0000-0000-0000-000000000000", "company": "x", "programme": "y"}""", 400, "id" },
        { "deploying without a count or a time", "/api/contractors/{S}/deployments", """{"baseId": "{B}"}""", 400, "at,count" },
        { "deploying nobody", "/api/contractors/{S}/deployments", """{"baseId": "{B}", "count": 0, "at": "2020-01-01T00:00:00Z"}""", 400, "count" },
        { "deploying in the future", "/api/contractors/{S}/deployments", """{"baseId": "{B}", "count": 5, "at": "2021-02-21T09:00:01Z"}""", 400, "at" },
        { "deploying to an unknown base", "/api/contractors/{S}/deployments", """{"baseId": "{U}", "count": 5, "at": "2020-01-01T00:00:00Z"}""", 404, "no base" },
        { "deploying an unknown contractor", "/api/contractors/{X}/deployments", """{"baseId": "{B}", "count": 5, "at": "2020-01-01T00:00:00Z"}""", 404, "no contractor" },
        { "deploying before the engagement", "/api/contractors/{S}/deployments", """{"baseId": "{B}", "count": 5, "at": "2017-01-01T00:00:00Z"}""", 409, "was engaged at" },
        { "evacuating more than are there", "/api/contractors/{S}/evacuations", """{"baseId": "{B}", "count": 47, "at": "2021-02-20T18:00:00Z", "reason": "rockets"}""", 409, "has 46 people" },
        { "evacuating without a reason", "/api/contractors/{S}/evacuations", """{"baseId": "{B}", "count": 5, "at": "2021-02-20T18:00:00Z"}""", 400, "reason" },
        { "evacuating from no base", "/api/contractors/{S}/evacuations", """{"count": 5, "at": "2021-02-20T18:00:00Z", "reason": "rockets"}""", 400, "baseId" },
        { "evacuating from an unknown base", "/api/contractors/{S}/evacuations", """{"baseId": "{U}", "count": 5, "at": "2021-02-20T18:00:00Z", "reason": "rockets"}""", 404, "no base" },
        { "evacuating before anyone arrived", "/api/contractors/{S}/evacuations", """{"baseId": "{B}", "count": 5, "at": "2018-01-01T00:00:00Z", "reason": "rockets"}""", 409, "has 0 people" },
        { "returning people never evacuated", "/api/contractors/{S}/returns", """{"baseId": "{B}", "count": 1, "at": "2021-02-20T18:00:00Z"}""", 409, "cannot return" },
        { "returning without a time", "/api/contractors/{S}/returns", """{"baseId": "{B}", "count": 1}""", 400, "at" },
        { "reporting no casualties", "/api/contractors/{S}/casualties", """{"baseId": "{B}", "at": "2021-02-20T17:30:00Z"}""", 400, "injured,killed" },
        { "reporting negative injured", "/api/contractors/{S}/casualties", """{"baseId": "{B}", "injured": -1, "killed": 1, "at": "2021-02-20T17:30:00Z"}""", 400, "injured" },
        { "reporting more casualties than people", "/api/contractors/{S}/casualties", """{"baseId": "{B}", "killed": 40, "injured": 7, "at": "2021-02-20T17:30:00Z"}""", 409, "more than that" },
        { "reporting casualties of an unknown contractor", "/api/contractors/{X}/casualties", """{"baseId": "{B}", "injured": 1, "at": "2021-02-20T17:30:00Z"}""", 404, "no contractor" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task the_command_is_refused_with_its_status_and_nothing_is_written(string why, string url, string json, int status, string expected) =>
        await Host.ShouldRefuseAsync(Fill(url), Fill(json), status, Fill(expected), why);

    [Theory]
    [InlineData("/api/contractors", """{"company": "Sallyport", "programme": "F-16", "programe": "typo"}""")]
    [InlineData("/api/contractors/{S}/deployments", """{"baseId": "{B}", "count": "many", "at": "2020-01-01T00:00:00Z"}""")]
    [InlineData("/api/contractors/{S}/evacuations", """{"baseId": "not-a-guid", "count": 1, "at": "2020-01-01T00:00:00Z", "reason": "x"}""")]
    [InlineData("/api/contractors/{S}/returns", "{ not json")]
    public async Task malformed_json_is_a_400_and_nothing_is_written(string url, string json) =>
        await Host.ShouldRefuseAsync(Fill(url), Fill(json), 400);

    private static string Fill(string text) => text
        .Replace("{S}", Sallyport.ToString(), StringComparison.Ordinal)
        .Replace("{X}", UnknownContractor.ToString(), StringComparison.Ordinal)
        .Replace("{B}", Requests.Balad.ToString(), StringComparison.Ordinal)
        .Replace("{U}", UnknownBase.ToString(), StringComparison.Ordinal);
}
