using Alba;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Cli;

/// <summary><c>posture token</c> mints, with the configured key, a token the API accepts for the user and roles it names.</summary>
public sealed class when_minting_a_token(PostureHost host) : PostureScenario(host)
{
    private static readonly Dictionary<string, string?> WithKey = new() { ["Posture:Auth:SigningKey"] = TestTokens.SigningKey };

    [Fact]
    public async Task the_token_it_prints_calls_the_api_as_that_user_with_those_roles()
    {
        var officer = await CliRun.RunAsync(WithKey, "token", "--user", "j.smith", "--role", "officer", "--hours", "2");
        var viewer = await CliRun.RunAsync(WithKey, "token", "--user", "a.jones", "--role", "viewer");
        officer.ExitCode.ShouldBe(0, officer.Error);
        var token = officer.Output.Trim();
        token.Split('.').Length.ShouldBe(3, "the token alone, on one line");

        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.BaladBody()).ToUrl("/api/bases");
            s.WithBearerToken(token);
            s.StatusCodeShouldBe(201);
        });
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(Requests.SeedAttackBody()).ToUrl($"/api/bases/{Requests.Balad}/attacks");
            s.WithBearerToken(viewer.Output.Trim());
            s.StatusCodeShouldBe(403);
        });

        await using var session = Host.Store.QuerySession();
        (await session.Events.FetchStreamAsync(Requests.Balad)).Single().UserName.ShouldBe("j.smith");
    }

    [Fact]
    public async Task without_a_signing_key_it_is_one_line_naming_the_setting() =>
        (await CliRun.RunAsync(new Dictionary<string, string?>(), "token", "--user", "j.smith", "--role", "officer"))
            .ShouldBeOneLineUsageError("Posture:Auth:SigningKey");

    [Fact]
    public async Task an_unknown_role_is_refused_naming_the_roles() =>
        (await CliRun.RunAsync(WithKey, "token", "--user", "j.smith", "--role", "general"))
            .ShouldBeOneLineUsageError("not one of viewer, reporter, officer, auditor, admin");

    [Fact]
    public async Task help_shows_how_to_mint_one() =>
        (await CliRun.RunAsync(WithKey, "token", "--help")).Output.ShouldContain("posture token --user j.smith --role officer");
}
