using System.Text.Json;
using Alba;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Conventions;

/// <summary>An integrating system finds every Contractor and Mission route of DESIGN.md's contract in the OpenAPI document.</summary>
public sealed class the_people_endpoints_are_in_the_openapi_document(PostureHost host) : PostureScenario(host)
{
    [Fact]
    public async Task every_contractor_and_mission_route_is_described()
    {
        var document = await Host.Alba.GetAsJson<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateObject().Select(m => m.Name).ToList());

        string[] posts =
        [
            "/api/contractors", "/api/contractors/{id}/deployments", "/api/contractors/{id}/evacuations", "/api/contractors/{id}/returns",
            "/api/contractors/{id}/casualties", "/api/missions", "/api/missions/{id}/expansions", "/api/missions/{id}/assignments",
            "/api/missions/{id}/withdrawals", "/api/missions/{id}/reductions",
        ];
        foreach (var path in posts)
        {
            paths.ShouldContainKey(path);
            paths[path].ShouldContain("post", path);
        }

        paths["/api/contractors/{id}"].ShouldContain("get");
        paths["/api/missions/{id}"].ShouldContain("get");
    }
}
