using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Posture.Domain.Bases;
using Posture.Domain.Threats;
using Posture.Infrastructure;
using Posture.Infrastructure.Bus;
using Posture.Infrastructure.Storage;
using Wolverine;

namespace Posture.Benchmarks;

/// <summary>
/// Posture's write path, in process: a host composed as the CLI composes it (Marten, Wolverine, the handlers), and
/// RecordIncident commands sent through the bus, each decided, appended and projected inline in its own transaction.
/// </summary>
internal static class PostureWritePath
{
    private const string Caller = "bench";

    /// <summary>
    /// Commands per second from <paramref name="clients"/> concurrent clients, each sending to a base of its own
    /// one command after another (so clients never race for a stream).
    /// </summary>
    public static async Task<double> CommandsPerSecondAsync(string connectionString, int commands, int clients, int warmUp)
    {
        using var host = await StartHostAsync(connectionString);
        try
        {
            var bus = host.Services.GetRequiredService<IMessageBus>();
            var bases = Enumerable.Range(0, clients).Select(_ => Guid.NewGuid()).ToList();
            for (var i = 0; i < bases.Count; i++)
            {
                Expect(await bus.SendCommandAsync(
                    new RegisterBase(bases[i], $"Bench base {i}", "Iraq", "Anbar", 33.8 + (i / 100.0), 42.4 + (i / 100.0)), Caller));
            }

            // Warm up: the first commands compile Wolverine's handler code and fill the connection pool.
            var number = 0;
            for (var i = 0; i < Math.Max(1, warmUp / clients); i++)
            {
                foreach (var baseId in bases)
                {
                    Expect(await bus.SendCommandAsync(Workload.Incident(baseId, ++number), Caller));
                }
            }

            await WarmUp.SettleAsync();
            var perClient = commands / clients;
            var start = number;
            var stopwatch = Stopwatch.StartNew();
            await Task.WhenAll(bases.Select((baseId, client) => Task.Run(async () =>
            {
                for (var i = 0; i < perClient; i++)
                {
                    Expect(await bus.SendCommandAsync(Workload.Incident(baseId, start + 1 + (client * perClient) + i), Caller));
                }
            })));
            stopwatch.Stop();
            return perClient * clients / stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>A host composed as the CLI composes it, with the periodic reassessment off, started.</summary>
    public static async Task<IHost> StartHostAsync(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            Configuration = new ConfigurationManager(),
        });
        // No periodic reassessment: the benchmark measures commands only.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Posture:Threat:ReassessEveryMinutes"] = "0" });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddPostureCore(PostureDatabase.ForConnectionString(connectionString), SystemClocks.System, ThreatOptions.Default);
        builder.UseWolverine(options =>
        {
            PostureServices.ConfigureBus(options);
            // As the HTTP host does: name the assembly with the handlers, so every host this process starts agrees on it.
            options.ApplicationAssembly = typeof(PostureServices).Assembly;
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static void Expect(CommandOutcome outcome)
    {
        if (!outcome.Accepted)
        {
            throw new InvalidOperationException($"A benchmark command was refused: {outcome.Rejection}");
        }
    }
}
