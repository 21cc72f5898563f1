using System.Text.Json;
using Alba;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Conventions;

/// <summary>An integrating system can build a client from /openapi/v1.json alone: every answer has a described shape.</summary>
public sealed class the_openapi_document_describes_every_endpoint(PostureHost host) : PostureScenario(host)
{
    private async Task<IReadOnlyList<(string Path, string Method, JsonElement Operation)>> OperationsAsync()
    {
        var document = await Host.Alba.GetAsJson<JsonElement>("/openapi/v1.json");
        return document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (path.Name, op.Name, op.Value)))
            .ToList();
    }

    [Fact]
    public async Task every_success_answer_has_a_named_schema()
    {
        var operations = await OperationsAsync();
        operations.Count.ShouldBeGreaterThanOrEqualTo(25);
        foreach (var (path, method, operation) in operations)
        {
            var responses = operation.GetProperty("responses");
            var success = responses.EnumerateObject().Single(r => r.Name is "200" or "201");
            var schema = success.Value.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetRawText();
            schema.ShouldNotContain("IResult", customMessage: $"{method} {path}");
        }
    }

    [Fact]
    public async Task every_write_describes_its_refusals_and_its_body()
    {
        foreach (var (path, method, operation) in (await OperationsAsync()).Where(o => o.Method == "post"))
        {
            var codes = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            codes.ShouldContain("400", $"{method} {path}");
            codes.ShouldContain("404", $"{method} {path}");
            codes.ShouldContain("409", $"{method} {path}");
            // A reassessment and a rebuild of the read models are asked for by their address alone.
            if (!path.EndsWith("/reassessments", StringComparison.Ordinal) && path != "/api/admin/projections/rebuild")
            {
                operation.TryGetProperty("requestBody", out _).ShouldBeTrue($"{method} {path}");
            }
        }
    }
}
