using System.Text.Json;
using Alba;
using Microsoft.Extensions.Configuration;
using NodaTime.Testing;
using Posture.Api;
using Posture.Api.Auth;
using Posture.Infrastructure.Storage;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Auth;

/// <summary>A host in Development mode (what <c>posture serve --dev</c> runs), of its own so the shared host stays in Jwt mode.</summary>
public sealed class DevelopmentHost(TestPostgres postgres) : IAsyncLifetime
{
    public IAlbaHost Alba { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Alba = await PostureHost.StartAsync(postgres, new FakeClock(PostureHost.Now), "--Posture:Auth:Mode=Development");

    public async ValueTask DisposeAsync() => await Alba.DisposeAsync();
}

/// <summary>Development mode is explicit and insecure: the X-Posture-User header names the caller, who holds every role.</summary>
public sealed class in_development_mode(DevelopmentHost host) : IClassFixture<DevelopmentHost>
{
    private async Task<string?> RegisteredByAsync(Action<Scenario> caller)
    {
        var id = Guid.NewGuid();
        await host.Alba.Scenario(s =>
        {
            s.Post.Json(new { id, name = $"Camp {id:N}", country = "Iraq", region = "Anbar", latitude = 33.4, longitude = 43.3 }).ToUrl("/api/bases");
            s.RemoveRequestHeader("Authorization");
            caller(s);
            s.StatusCodeShouldBe(201);
        });
        await using var session = host.Alba.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(id)).Single().UserName;
    }

    [Fact]
    public async Task the_header_names_the_caller_recorded_on_the_event() =>
        (await RegisteredByAsync(s => s.WithRequestHeader(DevelopmentAuthentication.UserHeader, "dev.officer"))).ShouldBe("dev.officer");

    [Fact]
    public async Task without_the_header_the_caller_is_the_developer() =>
        (await RegisteredByAsync(_ => { })).ShouldBe(DevelopmentAuthentication.DefaultUser);

    [Fact]
    public async Task every_role_is_granted_without_a_token()
    {
        var result = await host.Alba.Scenario(s =>
        {
            s.Get.Url("/api/admin/projections/verify");
            s.RemoveRequestHeader("Authorization");
            s.StatusCodeShouldBe(200);
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("identical").GetBoolean().ShouldBeTrue();
    }
}

/// <summary>Jwt mode without a usable signing key refuses to start, with one line naming the setting.</summary>
public sealed class when_the_signing_key_is_missing_or_short
{
    private static readonly PostureDatabase Unused = PostureDatabase.ForConnectionString("Host=127.0.0.1;Port=1;Database=never_opened");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("only-31-bytes-long-0123456789ab")]
    public async Task the_host_refuses_to_start_naming_the_setting(string? key)
    {
        string[] settings = key is null ? [] : ["--Posture:Auth:Mode=Jwt", $"--Posture:Auth:SigningKey={key}"];
        var error = await Should.ThrowAsync<PostureStartupException>(() => PostureApi.CreateBuilderAsync(settings, Unused));
        error.Message.ShouldContain("Posture:Auth:SigningKey must be at least 32 bytes");
        error.Message.ShouldNotContain("\n");
    }

    [Fact]
    public void an_unknown_mode_is_refused_naming_the_choices() =>
        Should.Throw<PostureStartupException>(() => AuthSettings.From(Configuration(("Mode", "Open"))))
            .Message.ShouldContain("Jwt (the default) or Development");

    [Fact]
    public void development_mode_needs_no_key_and_a_key_of_32_bytes_is_enough()
    {
        AuthSettings.From(Configuration(("Mode", "Development"))).Mode.ShouldBe(AuthMode.Development);
        var jwt = AuthSettings.From(Configuration(("SigningKey", new string('k', AuthSettings.MinimumKeyBytes))));
        (jwt.Mode, jwt.Issuer, jwt.Audience).ShouldBe((AuthMode.Jwt, "posture", "posture"));
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => $"Posture:Auth:{s.Key}", s => (string?)s.Value)).Build();
}
