using System.Net.Http.Headers;
using System.Security.Cryptography;
using Alba;
using Microsoft.Extensions.Configuration;
using NodaTime;
using Posture.Api.Auth;

namespace Posture.IntegrationTests.Infrastructure;

/// <summary>
/// Real bearer tokens for the test hosts: a signing key made for this run (never stored), and tokens minted with it as
/// <c>posture token</c> mints them, current by the host's clock.
/// </summary>
public static class TestTokens
{
    /// <summary>Who a request is from when a test does not say: every role, so tests that do not care about roles need nothing.</summary>
    public const string DefaultUser = "posture-tests";

    public static string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    public static AuthSettings Settings { get; } = AuthSettings.From(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Posture:Auth:SigningKey"] = SigningKey })
        .Build());

    /// <summary>A token for <paramref name="user"/> valid for an hour from the clock's now, holding <paramref name="roles"/> (every role if none).</summary>
    public static string For(string user, IClock clock, params Role[] roles) =>
        AccessTokens.Mint(Settings, user, roles.Length == 0 ? Roles.All : roles, clock.GetCurrentInstant(), Duration.FromHours(1));

    /// <summary>The request is from <paramref name="user"/> holding <paramref name="roles"/> (every role if none).</summary>
    public static Scenario As(this Scenario scenario, string user, IClock clock, params Role[] roles)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        scenario.WithBearerToken(For(user, clock, roles));
        return scenario;
    }

    /// <summary>A client of the in-memory server that sends the default token (valid for an hour by <paramref name="clock"/>).</summary>
    public static HttpClient CreateClient(this IAlbaHost host, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(host);
        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", For(DefaultUser, clock));
        return client;
    }
}
