using System.Text.Json;
using Alba;
using NodaTime;
using Posture.Api.Auth;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Auth;

/// <summary>In Jwt mode (the default) the caller is the token's subject, whatever a header or body says; 401 and 403 say what to do.</summary>
public sealed class when_a_caller_authenticates(PostureHost host) : PostureScenario(host)
{
    [Fact]
    public async Task the_user_recorded_is_the_tokens_subject_even_when_a_header_names_someone_else()
    {
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.BaladBody()).ToUrl("/api/bases");
            s.As("balad.officer", Host.Clock, Role.Officer);
            s.WithRequestHeader(DevelopmentAuthentication.UserHeader, "someone.else");
            s.StatusCodeShouldBe(201);
        });

        await using var session = Host.Store.QuerySession();
        (await session.Events.FetchStreamAsync(Requests.Balad)).Single().UserName.ShouldBe("balad.officer");
    }

    [Fact]
    public async Task a_request_without_a_token_is_a_401_problem_naming_how_to_get_one()
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Get.Url("/api/sites");
            s.RemoveRequestHeader("Authorization");
            s.WithRequestHeader(DevelopmentAuthentication.UserHeader, "someone");
            s.StatusCodeShouldBe(401);
        });

        result.Context.Response.ContentType.ShouldStartWith("application/problem+json");
        result.Context.Response.Headers.WWWAuthenticate.ToString().ShouldStartWith("Bearer");
        var problem = await result.ReadAsJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().ShouldBe("Authentication required");
        problem.GetProperty("detail").GetString()!.ShouldContain("posture token");
    }

    [Fact]
    public async Task a_url_that_matches_no_endpoint_is_a_401_to_a_stranger_and_a_404_to_a_caller()
    {
        await Host.Alba.Scenario(s =>
        {
            s.Get.Url("/api/no-such-thing");
            s.RemoveRequestHeader("Authorization");
            s.StatusCodeShouldBe(401);
        });
        await Host.Alba.Scenario(s =>
        {
            s.Get.Url("/api/no-such-thing");
            s.As("curious.viewer", Host.Clock, Role.Viewer);
            s.StatusCodeShouldBe(404);
        });
    }

    [Fact]
    public async Task an_expired_token_is_a_401_that_says_it_expired_and_writes_nothing()
    {
        var expired = AccessTokens.Mint(TestTokens.Settings, "late.officer", Roles.All, Host.Clock.GetCurrentInstant() - Duration.FromHours(9), Duration.FromHours(8));
        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.BaladBody()).ToUrl("/api/bases");
            s.WithBearerToken(expired);
            s.StatusCodeShouldBe(401);
        });

        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("expired");
        (await Host.EventCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task a_token_valid_when_minted_expires_when_the_clock_moves_past_it()
    {
        var token = TestTokens.For("night.officer", Host.Clock, Role.Viewer);
        await Host.Alba.Scenario(s =>
        {
            s.Get.Url("/api/sites");
            s.WithBearerToken(token);
            s.StatusCodeShouldBe(200);
        });

        Host.Clock.Advance(Duration.FromHours(2));
        await Host.Alba.Scenario(s =>
        {
            s.Get.Url("/api/sites");
            s.WithBearerToken(token);
            s.StatusCodeShouldBe(401);
        });
    }

    [Fact]
    public async Task the_wrong_role_is_a_403_problem_naming_the_roles_needed_and_writes_nothing()
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.BaladBody()).ToUrl("/api/bases");
            s.As("a.reporter", Host.Clock, Role.Reporter, Role.Viewer);
            s.StatusCodeShouldBe(403);
        });

        result.Context.Response.ContentType.ShouldStartWith("application/problem+json");
        var problem = await result.ReadAsJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().ShouldBe("Forbidden");
        problem.GetProperty("detail").GetString().ShouldBe("a.reporter does not hold a role this needs: officer.");
        (await Host.EventCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task an_officer_may_also_record_an_incident_and_read()
    {
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.SeedAttackBody()).ToUrl($"/api/bases/{Requests.Balad}/attacks");
            s.As("balad.officer", Host.Clock, Role.Officer);
            s.StatusCodeShouldBe(201);
        });
        await Host.Alba.Scenario(s =>
        {
            s.Get.Url($"/api/sites/{Requests.Balad}");
            s.As("balad.officer", Host.Clock, Role.Officer);
            s.StatusCodeShouldBe(200);
        });
    }

    [Fact]
    public async Task the_openapi_document_declares_the_bearer_scheme_and_the_401_and_403_of_every_operation()
    {
        var document = await Host.Alba.GetAsJson<JsonElement>("/openapi/v1.json");

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty(PostureAuthentication.SecuritySchemeName);
        scheme.GetProperty("type").GetString().ShouldBe("http");
        scheme.GetProperty("scheme").GetString().ShouldBe("bearer");
        scheme.GetProperty("bearerFormat").GetString().ShouldBe("JWT");
        document.GetProperty("security")[0].TryGetProperty(PostureAuthentication.SecuritySchemeName, out _).ShouldBeTrue();
        var operations = document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => (Name: $"{o.Name} {p.Name}", o.Value))).ToList();
        operations.Count.ShouldBeGreaterThanOrEqualTo(25);
        foreach (var (name, operation) in operations)
        {
            var responses = operation.GetProperty("responses");
            responses.TryGetProperty("401", out _).ShouldBeTrue(name);
            responses.TryGetProperty("403", out _).ShouldBeTrue(name);
        }
    }
}
