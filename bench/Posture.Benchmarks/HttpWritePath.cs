using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Posture.Api;
using Posture.Infrastructure.Storage;

namespace Posture.Benchmarks;

/// <summary>
/// Posture's HTTP host, composed as Program.cs composes it, on Kestrel on a loopback port of its own, and clients
/// that post attacks to it over real sockets.
/// </summary>
internal sealed class HttpHost : IAsyncDisposable
{
    /// <summary>Who the benchmark's requests are from (development authentication names the caller by this header).</summary>
    public const string UserHeader = "X-Posture-User";

    private readonly WebApplication _app;

    private HttpHost(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public static async Task<HttpHost> StartAsync(string connectionString)
    {
        var builder = await PostureApi.CreateBuilderAsync(
        [
            // Development authentication names the caller by a header; the write limit is lifted, as the benchmark
            // measures how fast Posture records, not how it refuses a flood.
            "--Posture:Auth:Mode=Development",
            "--Posture:Limits:WritesPerMinute=1000000",
            "--Posture:Threat:ReassessEveryMinutes=0",
            "--Logging:LogLevel:Default=Warning",
        ], PostureDatabase.ForConnectionString(connectionString));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        PostureApi.MapPosture(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Add(UserHeader, "bench");
        return new HttpHost(app, client);
    }

    public IServiceProvider Services => _app.Services;

    public async Task<Guid> RegisterBaseAsync(int number)
    {
        var id = Guid.NewGuid();
        var response = await Client.PostAsJsonAsync("/api/bases", new
        {
            id,
            name = $"Bench base {number}",
            country = "Iraq",
            region = $"Region {number % 18}",
            // Spread over a grid about 11 km apart, so a site has few neighbours within the nearby radius.
            latitude = 30.0 + (number / 40 * 0.1),
            longitude = 40.0 + (number % 40 * 0.1),
        });
        await Expect(response, 201);
        return id;
    }

    public async Task PostAttackAsync(Guid baseId, int number)
    {
        var response = await Client.PostAsJsonAsync($"/api/bases/{baseId}/attacks", Workload.AttackBody(number));
        await Expect(response, 201);
    }

    public static async Task Expect(HttpResponseMessage response, int status)
    {
        ArgumentNullException.ThrowIfNull(response);
        if ((int)response.StatusCode != status)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {status}: {body}"));
        }

        response.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Attacks posted over HTTP by 1, 4 or 16 concurrent clients, each to a base of its own.</summary>
internal static class HttpWritePath
{
    public static async Task<double> RequestsPerSecondAsync(string connectionString, int requests, int clients, int warmUp)
    {
        await using var host = await HttpHost.StartAsync(connectionString);
        var bases = new List<Guid>();
        for (var i = 0; i < clients; i++)
        {
            bases.Add(await host.RegisterBaseAsync(i));
        }

        var number = 0;
        for (var i = 0; i < Math.Max(1, warmUp / clients); i++)
        {
            foreach (var baseId in bases)
            {
                await host.PostAttackAsync(baseId, ++number);
            }
        }

        await WarmUp.SettleAsync();
        var perClient = requests / clients;
        var start = number;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(bases.Select((baseId, client) => Task.Run(async () =>
        {
            for (var i = 0; i < perClient; i++)
            {
                await host.PostAttackAsync(baseId, start + 1 + (client * perClient) + i);
            }
        })));
        stopwatch.Stop();
        return perClient * clients / stopwatch.Elapsed.TotalSeconds;
    }
}
