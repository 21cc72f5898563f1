using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Marten;
using Microsoft.Extensions.Hosting;
using Posture.Domain.Bases;
using Posture.Infrastructure.Bus;
using Posture.Infrastructure.Marten;
using Spectre.Console;
using Wolverine;

namespace Posture.Benchmarks;

/// <summary>
/// Where a command's time goes (<c>--profile</c>): RecordIncident commands through the bus on one base, with an
/// <see cref="ActivityListener"/> summing the spans Wolverine (each message handled, including the cascaded
/// reassessments) and Npgsql (each SQL statement) report. Wall time not covered by a statement is CPU in the process.
/// </summary>
internal static class WritePathProfile
{
    private const string Caller = "bench";

    public static async Task RunAsync(string connectionString, int commands, int warmUp)
    {
        using var host = await PostureWritePath.StartHostAsync(connectionString);
        try
        {
            var bus = host.Services.GetRequiredService<IMessageBus>();
            var baseId = Guid.NewGuid();
            Expect(await bus.SendCommandAsync(new RegisterBase(baseId, "Profiled base", "Iraq", "Anbar", 33.8, 42.4), Caller));
            var early = new List<Guid>();
            for (var i = 1; i <= warmUp; i++)
            {
                var incident = Workload.Incident(baseId, i);
                early.Add(incident.IncidentId);
                Expect(await bus.SendCommandAsync(incident, Caller));
            }

            await WarmUp.SettleAsync();
            // What the host burns doing nothing (its agents polling), to tell from what the commands cost.
            var idleCpu = Process.GetCurrentProcess().TotalProcessorTime;
            await Task.Delay(TimeSpan.FromSeconds(3));
            var idle = (Process.GetCurrentProcess().TotalProcessorTime - idleCpu).TotalMilliseconds / 3;
            var spans = new ConcurrentDictionary<string, Span>();
            using var listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is "Wolverine" or "Npgsql" or "Marten",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity => spans.AddOrUpdate(KeyOf(activity), _ => new Span(1, activity.Duration), (_, s) => s.Add(activity.Duration)),
            };
            ActivitySource.AddActivityListener(listener);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes();
            var paused = GC.GetTotalPauseDuration();
            var collections = GC.CollectionCount(0);
            var stopwatch = Stopwatch.StartNew();
            for (var i = 1; i <= commands; i++)
            {
                Expect(await bus.SendCommandAsync(Workload.Incident(baseId, warmUp + i), Caller));
            }

            var commandsDone = stopwatch.Elapsed;
            // Let the cascaded reassessments finish, so their spans are counted too.
            await Task.Delay(TimeSpan.FromSeconds(2));
            var processor = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var allocatedPerCommand = (GC.GetTotalAllocatedBytes() - allocated) / commands;
            var pausedPerCommand = (GC.GetTotalPauseDuration() - paused).TotalMilliseconds / commands;
            var gen0 = GC.CollectionCount(0) - collections;
            var perCommand = (double)commands;
            // Plain lines, not a table: the statements are long and the output is usually a pipe 80 columns wide.
            Console.WriteLine("per command: count   ms  | ms per span | span");
            foreach (var (key, span) in spans.OrderByDescending(s => s.Value.Total))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{span.Count / perCommand,19:F2} {span.Total.TotalMilliseconds / perCommand,7:F3} | {span.Total.TotalMilliseconds / span.Count,11:F3} | {key}"));
            }

            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture,
                $"{commands} commands in {commandsDone.TotalSeconds:F2} s ({commands / commandsDone.TotalSeconds:F0}/s, {commandsDone.TotalMilliseconds / commands:F2} ms each); "
                + $"process CPU {processor.TotalMilliseconds / commands:F2} ms per command (including the reassessments and 2 s of waiting for them); "
                + $"allocated {allocatedPerCommand / 1024.0:F0} KB per command, GC pauses {pausedPerCommand:F2} ms per command, {gen0} gen-0 collections; idle, the host used {idle:F1} ms of CPU a second");

            // What every command on the base loads and saves: its decision snapshot.
            await using (var query = host.Services.GetRequiredService<IDocumentStore>().QuerySession())
            {
                var snapshot = (await query.AdvancedSql.QueryAsync<int>(
                    $"select octet_length(data::text) from {PostureStore.Schema}.mt_doc_base where id = ?", CancellationToken.None, baseId)).Single();
                AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, $"the base's decision snapshot: {snapshot / 1024.0:F0} KB of JSON");
            }

            // A correction reads the report it corrects from the base's events: its cost on the stream just grown.
            var corrections = Stopwatch.StartNew();
            foreach (var (incident, i) in early.Select((id, i) => (id, i)))
            {
                Expect(await bus.SendCommandAsync(new CorrectIncident(baseId, incident, new IncidentChanges(Injured: 10 + i), "profiled correction"), Caller));
            }

            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture,
                $"{early.Count} corrections of early incidents on the same base ({warmUp + commands + 1} events): {corrections.Elapsed.TotalMilliseconds / early.Count:F2} ms each");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static string KeyOf(Activity activity)
    {
        if (activity.Source.Name == "Npgsql")
        {
            var statement = activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string ?? activity.DisplayName;
            var oneLine = string.Join(' ', statement.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return "sql: " + (oneLine.Length > 110 ? oneLine[..110] : oneLine);
        }

        var message = activity.GetTagItem("messaging.message_type") as string;
        return $"{activity.Source.Name}: {activity.DisplayName}{(message is null ? "" : $" [{message}]")}";
    }

    private static void Expect(CommandOutcome outcome)
    {
        if (!outcome.Accepted)
        {
            throw new InvalidOperationException($"A profiled command was refused: {outcome.Rejection}");
        }
    }

    private sealed record Span(int Count, TimeSpan Total)
    {
        public Span Add(TimeSpan duration) => new(Count + 1, Total + duration);
    }
}
