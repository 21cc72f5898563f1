using System.Text;
using System.Text.Json;
using Alba;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using NodaTime;
using Posture.Api.Auth;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Auth;

/// <summary>
/// Every endpoint the host maps (read from its routing, so a new one is included without anyone listing it), called
/// by each role alone, with no token, with a token signed by another key and with an expired token: a role the
/// matrix allows is never answered 401 or 403 (400 for an empty body or 404 for an unknown id are fine); any other
/// role is answered 403; a missing, forged or expired token 401; both as ProblemDetails.
/// </summary>
public sealed class the_role_matrix(PostureHost host) : PostureScenario(host)
{
    /// <summary>
    /// The matrix, as ADR "authentication" states it: endpoint, then the roles that may call it. A new endpoint fails
    /// this test until it is added here with the role it needs (and, without <see cref="RequiresAttribute"/>, it
    /// answers 403 to everyone).
    /// </summary>
    private static readonly Dictionary<string, string> Matrix = new()
    {
        ["GET /api/sites"] = "viewer reporter officer auditor admin",
        ["GET /api/sites/{id}"] = "viewer reporter officer auditor admin",
        ["GET /api/sites/{id}/threat"] = "viewer reporter officer auditor admin",
        ["GET /api/sites/{id}/timeline"] = "viewer reporter officer auditor admin",
        ["GET /api/incidents"] = "viewer reporter officer auditor admin",
        ["GET /api/alerts"] = "viewer reporter officer auditor admin",
        ["GET /api/contractors/{id}"] = "viewer reporter officer auditor admin",
        ["GET /api/missions/{id}"] = "viewer reporter officer auditor admin",
        ["GET /openapi/{documentName}.json"] = "viewer reporter officer auditor admin",
        ["POST /api/bases/{baseId}/attacks"] = "reporter officer",
        ["POST /api/bases/{baseId}/incidents/{incidentId}/corrections"] = "reporter officer",
        ["POST /api/bases/{baseId}/incidents/{incidentId}/retractions"] = "reporter officer",
        ["POST /api/bases"] = "officer",
        ["POST /api/bases/{baseId}/fpcon"] = "officer",
        ["POST /api/bases/{baseId}/assessments"] = "officer",
        ["POST /api/sites/{id}/reassessments"] = "officer",
        ["POST /api/contractors"] = "officer",
        ["POST /api/contractors/{id}/deployments"] = "officer",
        ["POST /api/contractors/{id}/evacuations"] = "officer",
        ["POST /api/contractors/{id}/returns"] = "officer",
        ["POST /api/contractors/{id}/casualties"] = "officer",
        ["POST /api/missions"] = "officer",
        ["POST /api/missions/{id}/expansions"] = "officer",
        ["POST /api/missions/{id}/reductions"] = "officer",
        ["POST /api/missions/{id}/assignments"] = "officer",
        ["POST /api/missions/{id}/withdrawals"] = "officer",
        ["GET /api/audit/{streamId}"] = "auditor",
        ["GET /api/admin/projections/verify"] = "admin",
        ["POST /api/admin/projections/rebuild"] = "admin",
    };

    private List<(string Method, string Pattern)> Endpoints() =>
        Host.Alba.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => (Method: m, Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct()
            .OrderBy(e => e.Pattern, StringComparer.Ordinal)
            .ToList();

    [Fact]
    public void every_endpoint_the_host_maps_is_in_the_matrix_and_declares_the_role_it_needs()
    {
        var mapped = Endpoints().Select(e => $"{e.Method} {e.Pattern}").ToList();
        mapped.ShouldBe(Matrix.Keys.Order(StringComparer.Ordinal), ignoreOrder: true,
            "every endpoint has a row in the matrix (and a [Requires] role); a new endpoint needs both");
        foreach (var endpoint in Host.Alba.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            endpoint.Metadata.GetMetadata<RequiresAttribute>().ShouldNotBeNull(endpoint.RoutePattern.RawText);
        }
    }

    [Fact]
    public async Task each_role_may_call_exactly_what_the_matrix_allows_and_nothing_is_open_without_a_valid_token()
    {
        var now = Host.Clock.GetCurrentInstant();
        var forged = AccessTokens.Mint(OtherKey(), "mallory", Roles.All, now, Duration.FromHours(1));
        var expired = AccessTokens.Mint(TestTokens.Settings, "late.officer", Roles.All, now - Duration.FromHours(2), Duration.FromHours(1));
        var callers = Roles.All.Select(r => (Name: r.Name(), Token: (string?)TestTokens.For($"only.{r.Name()}", Host.Clock, r)))
            .Append(("no token", null))
            .Append(("forged token", forged))
            .Append(("expired token", expired))
            .ToList();

        var wrong = new List<string>();
        var calls = 0;
        foreach (var (method, pattern) in Endpoints())
        {
            var key = $"{method} {pattern}";
            var allowed = Matrix.TryGetValue(key, out var roles) ? roles.Split(' ') : [];
            foreach (var (caller, token) in callers)
            {
                var result = await CallAsync(method, pattern, token);
                calls++;
                var status = result.Context.Response.StatusCode;
                var expected = token is null || token == forged || token == expired ? 401 : allowed.Contains(caller) ? 0 : 403;
                var ok = expected == 0 ? status is not (401 or 403) : status == expected && await IsProblemAsync(result, status);
                if (!ok)
                {
                    wrong.Add($"{key} as {caller}: {status}, expected {(expected == 0 ? "not 401/403" : expected)}");
                }
            }
        }

        calls.ShouldBeGreaterThanOrEqualTo(Matrix.Count * callers.Count);
        wrong.ShouldBeEmpty(string.Join("\n", wrong));
    }

    private async Task<IScenarioResult> CallAsync(string method, string pattern, string? token) =>
        await Host.Alba.Scenario(s =>
        {
            var url = Url(pattern);
            if (method == "POST")
            {
                s.Post.Text("{}").ToUrl(url);
                s.WithRequestHeader("Content-Type", "application/json");
            }
            else
            {
                s.Get.Url(url);
            }

            if (token is null)
            {
                s.RemoveRequestHeader("Authorization");
            }
            else
            {
                s.WithBearerToken(token);
            }

            s.IgnoreStatusCode();
        });

    /// <summary>Fills each route parameter: an unknown id (a 404 for an allowed caller), or the OpenAPI document's name.</summary>
    private static string Url(string pattern)
    {
        var url = new StringBuilder();
        foreach (var part in pattern.Split('/'))
        {
            url.Append(part.Length == 0 ? "" : "/").Append(part.Replace("{documentName}", "v1", StringComparison.Ordinal) switch
            {
                ['{', .., '}'] => Guid.NewGuid().ToString(),
                var text => text,
            });
        }

        return url.ToString();
    }

    private static async Task<bool> IsProblemAsync(IScenarioResult result, int status)
    {
        if (result.Context.Response.ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) != true)
        {
            return false;
        }

        var problem = await result.ReadAsJsonAsync<JsonElement>();
        return problem.GetProperty("status").GetInt32() == status && !string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString());
    }

    private static AuthSettings OtherKey() => AuthSettings.From(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Posture:Auth:SigningKey"] = new string('k', 48) })
        .Build());
}
