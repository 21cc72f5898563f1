using Posture.IntegrationTests.Infrastructure;
using static Posture.IntegrationTests.Infrastructure.PeopleRequests;

namespace Posture.IntegrationTests.Missions;

/// <summary>
/// Every way a Mission command can be refused over HTTP: 400 naming each bad field, 404 for an unknown mission or
/// base, 409 for a business rule. NATO Mission Iraq is launched, 500 strong, with all 500 at its Baghdad HQ; Balad
/// is registered too. Nothing is written by any refusal.
/// </summary>
public sealed class when_mission_commands_are_refused_over_http(PostureHost host) : PostureScenario(host)
{
    private static readonly Guid UnknownMission = Guid.Parse("00000000-0000-4000-8000-0000000000aa");
    private static readonly Guid UnknownBase = Guid.Parse("00000000-0000-4000-8000-0000000000ff");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.RegisterBaghdadHqAsync();
        await Host.Alba.NatoMissionIraqAtBaghdadAsync();
    }

    // {M} NATO Mission Iraq, {X} an unknown mission, {H} its Baghdad HQ, {B} Balad, {U} an unregistered base. 400s
    // list the fields the problem must name (exactly); 404s and 409s a phrase its detail must hold.
    public static TheoryData<string, string, string, int, string> Refusals() => new()
    {
        { "launching a launched mission", "/api/missions", """{"id": "{M}", "name": "NMI", "authorisedStrength": 500, "launchedAt": "2018-10-15T00:00:00Z", "locations": ["{H}"]}""", 409, "already launched" },
        { "launching to an unknown site", "/api/missions", """{"name": "NMI", "authorisedStrength": 500, "launchedAt": "2018-10-15T00:00:00Z", "locations": ["{H}", "{U}"]}""", 404, "no base with id {U}" },
        { "launching to no site", "/api/missions", """{"name": "NMI", "authorisedStrength": 500, "launchedAt": "2018-10-15T00:00:00Z", "locations": []}""", 400, "locations" },
        { "launching without a strength or a date", "/api/missions", """{"name": "NMI", "locations": ["{H}"]}""", 400, "authorisedStrength,launchedAt" },
        { "launching with every field bad", "/api/missions", """{"id": "00000000-0000-0000-0000-000000000000", "name": " ", "authorisedStrength": 0, "launchedAt": "2021-02-21T09:00:01Z"}""", 400, "authorisedStrength,id,launchedAt,locations,name" },
        { "expanding from the wrong strength", "/api/missions/{M}/expansions", """{"from": 400, "to": 4000, "at": "2021-02-18T00:00:00Z"}""", 409, "is 500, not 400" },
        { "expanding to less", "/api/missions/{M}/expansions", """{"from": 500, "to": 400, "at": "2021-02-18T00:00:00Z"}""", 400, "to" },
        { "expanding without a time", "/api/missions/{M}/expansions", """{"from": 500, "to": 4000}""", 400, "at" },
        { "expanding an unknown mission", "/api/missions/{X}/expansions", """{"from": 500, "to": 4000, "at": "2021-02-18T00:00:00Z"}""", 404, "no mission" },
        { "expanding before the launch", "/api/missions/{M}/expansions", """{"from": 500, "to": 4000, "at": "2018-01-01T00:00:00Z"}""", 409, "last changed at" },
        { "assigning beyond the authorised strength", "/api/missions/{M}/assignments", """{"baseId": "{B}", "count": 1, "at": "2021-02-18T00:00:00Z"}""", 409, "0 unfilled places" },
        { "assigning to an unknown base", "/api/missions/{M}/assignments", """{"baseId": "{U}", "count": 1, "at": "2021-02-18T00:00:00Z"}""", 404, "no base" },
        { "assigning before the launch", "/api/missions/{M}/assignments", """{"baseId": "{H}", "count": 1, "at": "2018-01-01T00:00:00Z"}""", 409, "was launched at" },
        { "assigning without a count", "/api/missions/{M}/assignments", """{"baseId": "{H}", "at": "2021-02-18T00:00:00Z"}""", 400, "count" },
        { "assigning for an unknown mission", "/api/missions/{X}/assignments", """{"baseId": "{H}", "count": 1, "at": "2021-02-18T00:00:00Z"}""", 404, "no mission" },
        { "withdrawing more than are there", "/api/missions/{M}/withdrawals", """{"baseId": "{H}", "count": 501, "at": "2021-02-18T00:00:00Z"}""", 409, "cannot be withdrawn" },
        { "withdrawing from a site with none", "/api/missions/{M}/withdrawals", """{"baseId": "{B}", "count": 1, "at": "2021-02-18T00:00:00Z"}""", 409, "has 0 personnel" },
        { "withdrawing in the future", "/api/missions/{M}/withdrawals", """{"baseId": "{H}", "count": 1, "at": "2021-02-21T09:00:01Z"}""", 400, "at" },
        { "reducing below those assigned", "/api/missions/{M}/reductions", """{"from": 500, "to": 400, "at": "2021-02-18T00:00:00Z"}""", 409, "cannot be reduced to 400" },
        { "reducing to more", "/api/missions/{M}/reductions", """{"from": 500, "to": 600, "at": "2021-02-18T00:00:00Z"}""", 400, "to" },
        { "reducing an unknown mission", "/api/missions/{X}/reductions", """{"from": 500, "to": 400, "at": "2021-02-18T00:00:00Z"}""", 404, "no mission" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task the_command_is_refused_with_its_status_and_nothing_is_written(string why, string url, string json, int status, string expected) =>
        await Host.ShouldRefuseAsync(Fill(url), Fill(json), status, Fill(expected), why);

    [Theory]
    [InlineData("/api/missions", """{"name": "NMI", "authorisedStrength": 500, "launchedAt": "2018-10-15T00:00:00Z", "locations": "{H}"}""")]
    [InlineData("/api/missions/{M}/expansions", """{"from": "five hundred", "to": 4000, "at": "2021-02-18T00:00:00Z"}""")]
    [InlineData("/api/missions/{M}/assignments", """{"baseId": "{H}", "count": 1, "at": "2021-02-18", "colour": "blue"}""")]
    public async Task malformed_json_is_a_400_and_nothing_is_written(string url, string json) =>
        await Host.ShouldRefuseAsync(Fill(url), Fill(json), 400);

    private static string Fill(string text) => text
        .Replace("{M}", NatoMissionIraq.ToString(), StringComparison.Ordinal)
        .Replace("{X}", UnknownMission.ToString(), StringComparison.Ordinal)
        .Replace("{H}", BaghdadHq.ToString(), StringComparison.Ordinal)
        .Replace("{B}", Requests.Balad.ToString(), StringComparison.Ordinal)
        .Replace("{U}", UnknownBase.ToString(), StringComparison.Ordinal);
}
