using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Posture.Domain.Bases;
using Posture.Domain.Threats;
using Posture.Infrastructure.Audit;
using Posture.Infrastructure.Json;
using Posture.Infrastructure.Marten;
using Spectre.Console;

namespace Posture.Benchmarks;

/// <summary>
/// Replay: Posture's full rebuild (every read model and decision snapshot, in one pass: ProjectionRebuild) against
/// the limit for a rebuild, a plain read of every event with Npgsql folded in memory by the same domain folds.
/// </summary>
internal static class Replay
{
    /// <summary>
    /// Seeds a history of <paramref name="events"/> events, then measures the raw read-and-fold and the rebuild one after
    /// the other, <paramref name="pairs"/> times, each rebuild against the raw fold just before it.
    /// </summary>
    public static async Task PairsAsync(string connectionString, string dataDirectory, int sites, int events, int pairs, Figures figures)
    {
        await using var host = await HttpHost.StartAsync(connectionString);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var history = await SeededHistory.SeedAsync(store, sites, events);
        // The processor time of this process and of PostgreSQL beside each wall-clock rate: on a shared machine it varies less.
        using var process = Process.GetCurrentProcess();
        TimeSpan ProcessorTime()
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }

        TimeSpan ServerTime() => ServerProcessorTime(dataDirectory);

        for (var pair = 1; pair <= pairs; pair++)
        {
            var (start, serverStart) = (ProcessorTime(), ServerTime());
            var fold = await RawReadAndFoldAsync(connectionString);
            var (folded, serverFolded) = (ProcessorTime(), ServerTime());
            var rawFold = figures.Rate(Section.Replay, $"Raw: read and fold every event in plain C# ({history.Events:N0} events, pair {pair})", history.Events, fold.EventsPerSecond);
            var rebuild = await RebuildAsync(store, history.Events);
            var (rebuilt, serverRebuilt) = (ProcessorTime(), ServerTime());
            figures.Rate(Section.Replay, $"Posture: rebuild every read model and snapshot ({history.Events:N0} events, pair {pair})", history.Events, rebuild.EventsPerSecond, rawFold, 0.5);
            figures.Memory($"Peak working set: rebuild of {history.Events:N0} events, pair {pair}", rebuild.Memory);
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"  Processor time, this process + PostgreSQL: raw fold {(folded - start).TotalSeconds:F2} + {(serverFolded - serverStart).TotalSeconds:F2} s, rebuild {(rebuilt - folded).TotalSeconds:F2} + {(serverRebuilt - serverFolded).TotalSeconds:F2} s"));
        }
    }

    /// <summary>
    /// The processor time PostgreSQL has spent (on Linux; else zero): its postmaster's own and that of the children it has
    /// reaped (backends that ended), and that of the children still running (backends, the WAL writer, the checkpointer).
    /// </summary>
    private static TimeSpan ServerProcessorTime(string dataDirectory)
    {
        string postmaster;
        if (!Directory.Exists("/proc"))
        {
            return TimeSpan.Zero;
        }

        try
        {
            postmaster = File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First().Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return TimeSpan.Zero;
        }

        long ticks = 0;
        foreach (var stat in Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "stat")))
        {
            string fields;
            try
            {
                fields = File.ReadAllText(stat);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // not a process, or one that has just ended
            }

            // After the command name in parentheses: state, ppid, … utime (the 14th field), stime, cutime, cstime.
            var rest = fields[(fields.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Split(' ')[0] == postmaster)
            {
                ticks += rest[11..15].Sum(t => long.Parse(t, CultureInfo.InvariantCulture));
            }
            else if (rest.Length > 14 && rest[1] == postmaster)
            {
                ticks += rest[11..13].Sum(t => long.Parse(t, CultureInfo.InvariantCulture));
            }
        }

        // Linux counts in clock ticks of 1/100 s.
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public static async Task<(double EventsPerSecond, Peak Memory)> RebuildAsync(IDocumentStore store, int events)
    {
        using var peak = PeakWorkingSet.Start();
        var stopwatch = Stopwatch.StartNew();
        await ProjectionAudit.RebuildAsync(store, null, CancellationToken.None);
        stopwatch.Stop();
        return (events / stopwatch.Elapsed.TotalSeconds, peak.Stop());
    }

    /// <summary>Reads every event in order (type and JSON), deserializes it and folds the read models and the bases' states.</summary>
    public static async Task<(double EventsPerSecond, Peak Memory)> RawReadAndFoldAsync(string connectionString)
    {
        var types = EventCatalogue.StoredNames.ToDictionary(n => n.Value, n => n.Key);
        var json = PostureJson.Create();
        using var peak = PeakWorkingSet.Start();
        var stopwatch = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Through the log's key, as the rebuild reads it (ADR 0032): the planner's own plan sorts the whole log before
        // its first row, and the limit should not be slower than what it is a limit for.
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var keyOrder = new NpgsqlCommand(ProjectionRebuild.InKeyOrder, connection, transaction))
        {
            await keyOrder.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand($"select type, data from {PostureStore.Schema}.mt_events order by seq_id", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        var count = 0;
        var bases = new Dictionary<Guid, Base?>();
        var threats = new Dictionary<Guid, ThreatRecord?>();

        IEnumerable<object> Events()
        {
            while (reader.Read())
            {
                var data = JsonSerializer.Deserialize(reader.GetString(1), types[reader.GetString(0)], json)!;
                count++;
                switch (data)
                {
                    case IBaseEvent e:
                        bases[e.BaseId] = Base.Evolve(bases.GetValueOrDefault(e.BaseId), e);
                        break;
                    case ThreatLevelChanged e:
                        threats[e.SiteId] = ThreatRecord.Evolve(threats.GetValueOrDefault(e.SiteId), e);
                        break;
                }

                yield return data;
            }
        }

        var rows = HistoryReader.FoldReadModels(Events());
        stopwatch.Stop();
        GC.KeepAlive(rows);
        return (count / stopwatch.Elapsed.TotalSeconds, peak.Stop());
    }
}
