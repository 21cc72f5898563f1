using System.Diagnostics;
using System.Globalization;
using System.Text;
using Marten;
using Microsoft.Extensions.Configuration;
using NodaTime;
using Posture.Cli;
using Posture.Cli.Hosting;
using Posture.Domain.Bases;
using Posture.Infrastructure;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Storage;
using Spectre.Console;

namespace Posture.Benchmarks;

/// <summary>
/// <c>posture import</c> of a generated file in the ACLED export's layout, run in process as the CLI runs it: every row
/// near one of 20 registered sites, so every row becomes an incident (sent in batches per site, ADR 0012).
/// </summary>
internal static class ImportPath
{
    private const string Header =
        "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,"
        + "assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,"
        + "geo_precision,source,source_scale,notes,fatalities,tags,timestamp";

    private const int Sites = 20;

    public static async Task<(double EventsPerSecond, Peak Memory)> ImportAsync(string connectionString, int rows)
    {
        await using (var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString)))
        await using (var session = store.LightweightSession())
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            for (var i = 0; i < Sites; i++)
            {
                var id = Guid.NewGuid();
                session.Events.StartStream<Base>(id, new BaseRegistered(
                    id, $"Import site {i}", "Iraq", "Anbar", Latitude(i), Longitude(i), Instant.FromUtc(2015, 1, 1, 0, 0)));
            }

            await session.SaveChangesAsync();
        }

        var file = Path.Combine(Path.GetTempPath(), $"posture-bench-acled-{Guid.NewGuid():N}.csv");
        try
        {
            await File.WriteAllTextAsync(file, Generate(rows));
            var output = new StringWriter();
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No, Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
            });
            var error = new StringWriter();
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Posture"] = connectionString,
                ["Posture:Cli:User"] = "bench-import",
                ["Posture:Threat:ReassessEveryMinutes"] = "0",
            }).Build();
            using var peak = PeakWorkingSet.Start();
            var stopwatch = Stopwatch.StartNew();
            var exitCode = await PostureCli.RunAsync(["import", file], new CliEnvironment(configuration, console, error, SystemClocks.System));
            stopwatch.Stop();
            var memory = peak.Stop();
            if (exitCode != 0 || !output.ToString().Contains(string.Create(CultureInfo.InvariantCulture, $"imported {rows},"), StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The import did not record every row (exit code {exitCode}): {output}{error}");
            }

            return (rows / stopwatch.Elapsed.TotalSeconds, memory);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static double Latitude(int site) => 32.0 + (site / 5 * 0.5);

    private static double Longitude(int site) => 42.0 + (site % 5 * 0.5);

    /// <summary>Rows in the export's layout, each a missile attack a few kilometres from one of the sites, on days before today.</summary>
    private static string Generate(int rows)
    {
        var text = new StringBuilder(Header).Append('\n');
        var day = new LocalDate(2016, 1, 1);
        for (var i = 0; i < rows; i++)
        {
            var site = i % Sites;
            var date = day.PlusDays(i % 3_000).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture,
                $"BENCH{i:D7},{date},{date[..4]},1,Political violence,Explosions/Remote violence,Shelling/artillery/missile attack,")
                .Append("Unidentified Armed Group (Iraq),,Rebel group,,,,,,368,Middle East,Iraq,Anbar,,,")
                .Append(CultureInfo.InvariantCulture, $"Near import site {site},{Latitude(site) + 0.01:F4},{Longitude(site) + 0.01:F4},1,")
                .Append("Benchmark,National,Rockets landed near the base.,0,,1614470400\n");
        }

        return text.ToString();
    }
}
