using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Posture.Benchmarks;
using Posture.Infrastructure;
using Posture.Infrastructure.Storage;
using Spectre.Console;

// Posture's write path against the raw PostgreSQL limit, measured side by side in one run on one machine, so the
// figures that matter are the ratios, not the absolute numbers.
var quick = args.Contains("--quick", StringComparer.Ordinal);
var counts = quick ? Counts.Quick : Counts.Full;
var total = Stopwatch.StartNew();
var root = Path.Combine(Path.GetTempPath(), $"posture-bench-{Guid.NewGuid():N}");
var invariant = CultureInfo.InvariantCulture;

AnsiConsole.MarkupLine($"[bold]Posture benchmark[/] ({(quick ? "quick" : "full")} mode); private PostgreSQL in {Markup.Escape(root)}");
var rows = new List<Row>();
string serverVersion;
string durability;
try
{
    await using var server = await PrivatePostgres.StartAsync(root);
    var databases = 0;
    async Task<string> FreshDatabaseAsync()
    {
        var name = $"bench_{++databases}";
        await server.EnsureDatabaseAsync(name);
        return server.ConnectionString(name);
    }

    var first = await FreshDatabaseAsync();
    serverVersion = await RawPostgres.ServerVersionAsync(first);
    durability = $"fsync={await RawPostgres.SettingAsync(first, "fsync")}, synchronous_commit={await RawPostgres.SettingAsync(first, "synchronous_commit")}";

    async Task<string> RawDatabaseAsync()
    {
        var connectionString = await FreshDatabaseAsync();
        await RawPostgres.CreateTableAsync(connectionString);
        return connectionString;
    }

    void Report(Row row)
    {
        rows.Add(row);
        AnsiConsole.MarkupLine($"  {Markup.Escape(row.Name)}: {row.PerSecond.ToString("N0", invariant)}/s");
    }

    Report(new Row("Raw: one row per transaction, 1 client", counts.RawOneRow, await RawPostgres.OneRowPerTransactionAsync(await RawDatabaseAsync(), counts.RawOneRow, 1), null));
    Report(new Row("Raw: INSERT of 1,000 rows per transaction", counts.RawBulk, await RawPostgres.BatchedInsertAsync(await RawDatabaseAsync(), counts.RawBulk, 1000), null));
    Report(new Row("Raw: binary COPY", counts.RawBulk, await RawPostgres.BinaryCopyAsync(await RawDatabaseAsync(), counts.RawBulk), null));
    foreach (var clients in new[] { 1, 4, 16 })
    {
        var raw = clients == 1 ? rows[0] : new Row($"Raw: one row per transaction, {clients} clients", counts.RawOneRow,
            await RawPostgres.OneRowPerTransactionAsync(await RawDatabaseAsync(), counts.RawOneRow, clients), null);
        if (clients != 1)
        {
            Report(raw);
        }

        var commands = clients == 1 ? counts.Commands : counts.ConcurrentCommands;
        Report(new Row($"Posture: RecordIncident through the bus, {clients} client{(clients == 1 ? "" : "s")}", commands,
            await PostureWritePath.CommandsPerSecondAsync(await FreshDatabaseAsync(), commands, clients, counts.WarmUp), raw));
    }
}
finally
{
    try
    {
        Directory.Delete(root, recursive: true);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        AnsiConsole.MarkupLine($"[yellow]Could not remove {Markup.Escape(root)}: {Markup.Escape(e.Message)}[/]");
    }
}

total.Stop();
var table = new Table().AddColumns("Measurement", "Rows / commands", "Per second", "Posture ÷ raw");
foreach (var row in rows)
{
    table.AddRow(Markup.Escape(row.Name), row.Count.ToString("N0", invariant), row.PerSecond.ToString("N0", invariant), row.Ratio ?? "");
}

AnsiConsole.Write(table);
AnsiConsole.MarkupLine($"Payload {Workload.Payload.Length} bytes of JSON; {Markup.Escape(serverVersion)}; {durability}; took {total.Elapsed.TotalSeconds.ToString("F1", invariant)} s");

var documentPath = Path.Combine(RepositoryRoot(), "docs", "performance.md");
await File.WriteAllTextAsync(documentPath, Document(quick, counts, rows, serverVersion, durability, total.Elapsed));
AnsiConsole.MarkupLine($"Wrote {Markup.Escape(documentPath)}");
return 0;

string Document(bool isQuick, Counts used, List<Row> figures, string version, string settings, TimeSpan took)
{
    var text = new StringBuilder();
    text.AppendLine("# Performance");
    text.AppendLine();
    text.AppendLine("Posture's write path is judged against the raw PostgreSQL limit on the same machine, measured side by side in one run");
    text.AppendLine("by `bench/Posture.Benchmarks`. Absolute figures depend on the machine and its disk; the ratios are what we compare.");
    text.AppendLine();
    text.AppendLine("## Method");
    text.AppendLine();
    text.AppendLine("- Posture's private PostgreSQL is started in a fresh temporary folder, durability at its defaults (fsync and");
    text.AppendLine("  synchronous_commit on: every commit waits for the disk). Every measurement gets a database of its own.");
    text.AppendLine("- **Raw limit**: plain Npgsql into an events-like table `(seq bigserial, stream uuid, version int, type text, data jsonb,");
    text.AppendLine(CultureInfo.InvariantCulture, $"  ts timestamptz default now(), unique(stream, version))`, payload the JSON of a serialized RecordIncident ({Workload.Payload.Length} bytes):");
    text.AppendLine("  one row per transaction (prepared INSERT, autocommit) from 1, 4 and 16 connections each writing its own stream;");
    text.AppendLine("  a multi-row INSERT of 1,000 rows per transaction; binary COPY of all rows in one transaction.");
    text.AppendLine("- **Posture**: a host composed as the CLI composes it (`AddPostureCore`, `UseWolverine(PostureServices.ConfigureBus)`,");
    text.AppendLine("  periodic reassessment off), a base registered per client, a warm-up, then RecordIncident commands sent with");
    text.AppendLine("  `Callers.SendCommandAsync` and awaited one after another by each of 1, 4 or 16 concurrent clients, each on its own base.");
    text.AppendLine("  Each command loads the base's state, decides, appends one event and updates the inline projections in one transaction,");
    text.AppendLine("  so it writes more than one row; the ratio says what that whole path costs against one bare row per commit.");
    text.AppendLine("  A base's decision state is folded live from its stream, and each client keeps to one base, so its stream grows by one");
    text.AppendLine("  event per command and later commands read longer streams: the figure depends on the count, and quick and full mode differ.");
    text.AppendLine("  Each accepted incident also cascades a ReassessThreat message onto a durable local queue (outbox rows in the same");
    text.AppendLine("  transaction); the figure counts a command when its outcome returns, while those reassessments run alongside.");
    text.AppendLine("- Each Posture figure is divided by the raw one-row-per-transaction figure at the same concurrency. Batched INSERT and");
    text.AppendLine("  COPY show the ceiling for bulk paths (imports), which commands one at a time do not reach.");
    text.AppendLine("- Durations are measured with `Stopwatch`; connections are opened before timing starts.");
    text.AppendLine();
    text.AppendLine("## Machine");
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"- Processors: {Environment.ProcessorCount}");
    text.AppendLine(CultureInfo.InvariantCulture, $"- OS: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})");
    text.AppendLine(CultureInfo.InvariantCulture, $"- .NET: {RuntimeInformation.FrameworkDescription}");
    text.AppendLine(CultureInfo.InvariantCulture, $"- PostgreSQL: {version} ({settings})");
    text.AppendLine();
    text.AppendLine("## Figures");
    text.AppendLine();
    var day = SystemClocks.System.GetCurrentInstant().InUtc().Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    var seconds = took.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture);
    text.AppendLine(isQuick
        ? $"These are **quick-mode** figures (`--quick`: small counts) from **one run** on {day}; the run took {seconds} s. Small counts are noisy; treat them as a first indication."
        : $"Full-mode figures from one run on {day}; the run took {seconds} s.");
    text.AppendLine();
    text.AppendLine("| Measurement | Rows / commands | Per second | Posture ÷ raw |");
    text.AppendLine("|---|---:|---:|---:|");
    foreach (var row in figures)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Name} | {row.Count:N0} | {row.PerSecond:N0} | {row.Ratio ?? ""} |");
    }

    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"Counts used: raw one-row {used.RawOneRow:N0} rows, batched INSERT and COPY {used.RawBulk:N0} rows, Posture {used.Commands:N0} commands with 1 client and {used.ConcurrentCommands:N0} with 4 and 16, after {used.WarmUp} warm-up commands per client.");
    text.AppendLine();
    text.AppendLine("## Reproduce");
    text.AppendLine();
    text.AppendLine("```sh");
    text.AppendLine(isQuick
        ? "dotnet run -c Release --project bench/Posture.Benchmarks -- --quick"
        : "dotnet run -c Release --project bench/Posture.Benchmarks");
    text.AppendLine("```");
    text.AppendLine();
    text.AppendLine("Without `--quick` the counts are larger and the run takes longer. The program rewrites this file with its own run's figures.");
    return text.ToString();
}

static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Posture.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("Run the benchmark from inside the Posture repository: it writes docs/performance.md there.");
}

namespace Posture.Benchmarks
{
    /// <summary>How much each measurement writes.</summary>
    internal sealed record Counts(int RawOneRow, int RawBulk, int Commands, int ConcurrentCommands, int WarmUp)
    {
        public static Counts Quick { get; } = new(RawOneRow: 5_000, RawBulk: 5_000, Commands: 300, ConcurrentCommands: 480, WarmUp: 10);

        // Each client's base folds live from its whole stream, so a command's cost grows with the commands before it:
        // 5,000 commands on one base fell to 6 a second and the 1-client phase alone ran past 13 minutes.
        public static Counts Full { get; } = new(RawOneRow: 20_000, RawBulk: 200_000, Commands: 1_000, ConcurrentCommands: 1_600, WarmUp: 50);
    }

    /// <summary>One measured figure, and for a Posture figure the raw figure it is compared with.</summary>
    internal sealed record Row(string Name, int Count, double PerSecond, Row? Raw)
    {
        public string? Ratio => Raw is null ? null : (PerSecond / Raw.PerSecond).ToString("P1", CultureInfo.InvariantCulture);
    }
}
