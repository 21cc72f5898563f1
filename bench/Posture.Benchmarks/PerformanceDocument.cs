using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Posture.Benchmarks;

/// <summary>
/// Writes docs/performance.md: the method, the machine and this run's figures, then whatever was written by hand
/// below <see cref="Marker"/> (the analysis of the figures), kept from the file as it was.
/// </summary>
internal static class PerformanceDocument
{
    public const string Marker = "<!-- Everything above is written by the benchmark program; everything below is written by hand and kept. -->";

    private static readonly string[] SectionTitles =
    [
        "",
        "1. The limit: raw PostgreSQL",
        "2. Write path",
        "3. Replay",
        "4. Reads",
        "5. Memory",
    ];

    /// <summary>The hand-written part of an existing document (from the marker on), or nothing.</summary>
    public static string HandWritten(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var at = document.IndexOf(Marker, StringComparison.Ordinal);
        return at < 0 ? "" : document[at..];
    }

    public static string Write(RunFacts run, IReadOnlyList<Row> rows, string handWritten)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');

        Line("# Performance");
        Line();
        Line("Posture is judged against the raw PostgreSQL limit on the same machine, measured side by side in one run by");
        Line("`bench/Posture.Benchmarks`. Absolute figures depend on the machine and on what else runs on it; the ratios are what we compare.");
        Line();
        Line("## Method");
        Line();
        Line("- Posture's private PostgreSQL is started in a fresh temporary folder, durability at its defaults (fsync and");
        Line("  synchronous_commit on: every commit waits for the disk). Every measurement gets a database of its own.");
        Line("- **Raw limit**: plain Npgsql into an events-like table `(seq bigserial, stream uuid, version int, type text, data jsonb,");
        Line(string.Create(CultureInfo.InvariantCulture, $"  ts timestamptz default now(), unique(stream, version))`, payload the JSON of a serialized RecordIncident ({Workload.Payload.Length} bytes):"));
        Line("  one row per transaction (prepared INSERT, autocommit) from 1, 4 and 16 connections each writing its own stream;");
        Line("  a multi-row INSERT of 1,000 rows per transaction; binary COPY of all rows in one transaction.");
        Line("- **Plain Marten** (for reference, no target): Marten 9 at its defaults, as the issue's reference program used it, with");
        Line("  no aggregate read, decision, read model, bus or outbox: the same report appended as an event, one per SaveChanges");
        Line("  from 1, 4 and 16 clients each on its own stream, and 1,000 per SaveChanges from one client. It shows how much of");
        Line("  the raw limit the stack itself reaches on this machine, in the same run.");
        Line("- **Bus**: a host composed as the CLI composes it (`AddPostureCore`, `UseWolverine(PostureServices.ConfigureBus)`, periodic");
        Line("  reassessment off), a base registered per client, a warm-up, then RecordIncident commands sent with `Callers.SendCommandAsync`");
        Line("  and awaited one after another by each of 1, 4 or 16 concurrent clients, each on its own base. A command loads the base's");
        Line("  decision snapshot, decides, and in one transaction appends its event, updates the snapshot and the inline read models");
        Line("  (site, incident log, running threat sum) and stores the cascaded ThreatInputsChanged in the durable inbox, batched");
        Line("  into reassessments (ADR 0031); the figure counts a command when its outcome returns, while the reassessments run");
        Line("  alongside on the same cores.");
        Line("- **HTTP**: the HTTP host composed as `Program.cs` composes it (`PostureApi.CreateBuilderAsync` + `MapPosture`) on Kestrel on");
        Line("  a loopback port, started with `--Posture:Auth:Mode=Development --Posture:Limits:WritesPerMinute=1000000`; clients post");
        Line("  `POST /api/bases/{id}/attacks` over real sockets, the same report as the bus's commands.");
        Line("- **Import**: `posture import FILE` run in process as the CLI runs it, on a generated file in the ACLED export's layout");
        Line("  whose every row lies near one of 20 registered sites, so every row is decided and recorded (ADR 0012: 10,000 rows held,");
        Line("  written in bulk per batch); timed from the CLI's start, as a user waits for it; compared with the raw batched INSERT.");
        Line(string.Create(CultureInfo.InvariantCulture, $"- **Replay and reads**: a history written straight through Marten (inline projections and snapshots kept, 1,000 events"));
        Line(string.Create(CultureInfo.InvariantCulture, $"  per transaction): {run.Counts.Sites:N0} sites 1° apart (no site has a neighbour within the 50 km nearby radius), three with"));
        Line(string.Create(CultureInfo.InvariantCulture, $"  streams of exactly 10, 100 and 1,000 events and one of {SeededHistory.AsOfWorstCase:N0} (asOf's worst case: as far past its newest"));
        Line("  history snapshot as a stream gets, ADR 0021), the other events spread over the other sites. The rebuild is");
        Line("  `ProjectionAudit.RebuildAsync` (every read model and decision snapshot in one pass of the event log), against a raw");
        Line("  read of every event with Npgsql (through the log's key, as the rebuild reads it), deserialized and folded in memory by");
        Line("  the same domain folds (the limit for a rebuild).");
        Line("  Reads are one client's GETs over HTTP in a row after three warm-up requests; p50 and p99 are nearest-rank percentiles.");
        Line("- **Memory**: the process's peak working set while the rebuild, the raw fold or the import ran, and how far it rose");
        Line("  above the working set just before. Before each step the garbage collector compacts and returns free memory to the");
        Line("  system, then the kernel's high-water mark (VmHWM) is reset and read when the step ends (the working set is also");
        Line("  sampled every 20 ms). It is the whole benchmark process's (its hosts included); PostgreSQL runs in processes of its");
        Line("  own and is not in it.");
        Line("- Reads are timed on every history size, so each figure shows how it holds as the store grows.");
        Line("- Durations are measured with `Stopwatch`; connections are opened before timing starts.");
        Line();
        Line("## Machine");
        Line();
        Line(string.Create(CultureInfo.InvariantCulture, $"- Processors: {Environment.ProcessorCount}"));
        Line(string.Create(CultureInfo.InvariantCulture, $"- OS: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})"));
        Line(string.Create(CultureInfo.InvariantCulture, $"- .NET: {RuntimeInformation.FrameworkDescription}"));
        Line(string.Create(CultureInfo.InvariantCulture, $"- PostgreSQL: {run.ServerVersion} ({run.Durability})"));
        Line(string.Create(CultureInfo.InvariantCulture, $"- Load average (1 / 5 / 15 minutes) when the run began: {run.LoadBefore}; when it ended: {run.LoadAfter}."));
        Line();
        Line("## Figures");
        Line();
        var seconds = run.Took.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture);
        Line(run.Quick
            ? $"**Quick-mode** figures (`--quick`: small counts) from **one run** on {run.Day}; the run took {seconds} s. Small counts are noisy; treat them as a first indication."
            : $"Full-mode figures from one run on {run.Day}; the run took {seconds} s.");
        foreach (var section in rows.GroupBy(r => r.Section).OrderBy(g => g.Key))
        {
            Line();
            Line($"### {SectionTitles[(int)section.Key]}");
            Line();
            Line("| Measurement | Count | Result | Ratio to raw | Target |");
            Line("|---|---:|---:|---:|---|");
            foreach (var row in section)
            {
                Line(string.Create(CultureInfo.InvariantCulture, $"| {row.Name} | {row.Count:N0} | {row.Result} | {row.Ratio ?? ""} | {row.Verdict ?? ""} |"));
            }
        }

        Line();
        Line("Each bus, HTTP and plain-Marten one-event figure is divided by the raw one-row-per-transaction figure at the same");
        Line("concurrency, the import and the Marten appends of 1,000 events by the raw batched INSERT, the rebuild by the raw");
        Line("read-and-fold. Counts for rows and commands are");
        Line("per measurement (warm-up excluded); for latencies, the number of requests timed.");
        Line();
        Line("## Reproduce");
        Line();
        Line("```sh");
        Line(run.Quick
            ? "dotnet run -c Release --project bench/Posture.Benchmarks -- --quick"
            : "dotnet run -c Release --project bench/Posture.Benchmarks");
        Line("```");
        Line();
        Line("Without `--quick` the counts are larger and the run takes much longer. `-- --profile` prints where one command's time");
        Line("goes (Wolverine's and Npgsql's spans per command) instead. The program rewrites this file above the marker below with");
        Line("its own run's figures and keeps what is written below it.");
        Line();
        if (handWritten.Length == 0)
        {
            Line(Marker);
        }
        else
        {
            text.Append(handWritten);
        }

        return text.ToString();
    }
}
