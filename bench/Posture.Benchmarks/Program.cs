using System.Diagnostics;
using System.Globalization;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Posture.Benchmarks;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Storage;
using Spectre.Console;

// Posture against the raw PostgreSQL limit, measured side by side in one run on one machine, so the figures that
// matter are the ratios, not the absolute numbers. --quick: small counts (under two minutes); --profile: where one
// command's time goes, printed and not written to the document; --only=rebuild and --only=reads: the replay figures or
// the site reads' alone (below).
var quick = args.Contains("--quick", StringComparer.Ordinal);
var profile = args.Contains("--profile", StringComparer.Ordinal);
var onlyRebuild = args.Contains("--only=rebuild", StringComparer.Ordinal);
var onlyReads = args.Contains("--only=reads", StringComparer.Ordinal);
var counts = quick ? Counts.Quick : Counts.Full;
var total = Stopwatch.StartNew();
var root = Path.Combine(Path.GetTempPath(), $"posture-bench-{Guid.NewGuid():N}");
var invariant = CultureInfo.InvariantCulture;
var loadBefore = Machine.LoadAverage();

AnsiConsole.MarkupLine($"[bold]Posture benchmark[/] ({(quick ? "quick" : "full")} mode); private PostgreSQL in {Markup.Escape(root)}");
var figures = new Figures();
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

    // 4. The site reads on a seeded history, each timed over HTTP.
    async Task SiteReadsAsync(HttpHost host, SeededHistory history, Figures into)
    {
        var stored = $"{counts.Sites:N0} sites, {history.Events:N0} events";
        var busiest = history.SiteWithStreamOf[SeededHistory.StreamLengths[^1]];
        var asOf = "2016-01-01T00:00:00Z";
        into.Latency($"GET /api/sites ({stored})", counts.ListSamples,
            await ReadLatency.MeasureAsync(host, "/api/sites", counts.ListSamples), null);
        into.Latency($"GET /api/sites/{{id}} ({stored})", counts.ReadSamples,
            await ReadLatency.MeasureAsync(host, $"/api/sites/{busiest}", counts.ReadSamples), 5);
        into.Latency($"GET /api/sites/{{id}}/threat?at= ({stored})", counts.ReadSamples,
            await ReadLatency.MeasureAsync(host, $"/api/sites/{busiest}/threat?at={asOf}", counts.ReadSamples), null);
        foreach (var length in SeededHistory.StreamLengths)
        {
            into.Latency($"GET /api/sites/{{id}}?asOf= on a {length:N0}-event stream ({stored})", counts.AsOfSamples,
                await ReadLatency.MeasureAsync(host, $"/api/sites/{history.SiteWithStreamOf[length]}?asOf={asOf}", counts.AsOfSamples),
                length == SeededHistory.StreamLengths[^1] ? 10 : null);
        }

        // The worst case of asOf: the stream lies as far past its newest history snapshot as it ever does (ADR 0021).
        var worst = SeededHistory.AsOfWorstCase;
        into.Latency(
            $"GET /api/sites/{{id}}?asOf= worst case: a {worst:N0}-event stream, {SeededHistory.PastNewestSnapshot(worst):N0} events past its newest history snapshot ({stored})",
            counts.AsOfSamples,
            await ReadLatency.MeasureAsync(host, $"/api/sites/{history.SiteWithStreamOf[worst]}?asOf={asOf}", counts.AsOfSamples), 10);
    }

    if (profile)
    {
        // --commands=N: longer streams, to see how a command's cost grows with its base's history.
        var asked = args.Select(a => a.StartsWith("--commands=", StringComparison.Ordinal) ? int.Parse(a["--commands=".Length..], invariant) : 0).Max();
        await WritePathProfile.RunAsync(await FreshDatabaseAsync(), commands: asked > 0 ? asked : quick ? 100 : 300, warmUp: 50);
        return 0;
    }

    if (onlyRebuild || onlyReads)
    {
        // --only=rebuild: the raw read-and-fold and the rebuild alone, alternated --pairs=N times (1 by default) on each
        // history size of the mode (--events=N for one size of your own), so a change to the rebuild is measured against
        // the raw fold in the same minutes. --only=reads: the site reads of section 4 on each history, --pairs=N rounds.
        // Printed, not written to the document.
        int Asked(string name) => args.Select(a => a.StartsWith(name, StringComparison.Ordinal) ? int.Parse(a[name.Length..], invariant) : 0).Max();
        var pairs = Math.Max(1, Asked("--pairs="));
        IReadOnlyList<int> sizes = Asked("--events=") is > 0 and var events ? [events] : counts.HistorySizes;
        foreach (var size in sizes)
        {
            if (onlyRebuild)
            {
                await Replay.PairsAsync(await FreshDatabaseAsync(), server.DataDirectory, counts.Sites, size, pairs, figures);
                continue;
            }

            var connectionString = await FreshDatabaseAsync();
            await using var host = await HttpHost.StartAsync(connectionString);
            var history = await SeededHistory.SeedAsync(host.Services.GetRequiredService<IDocumentStore>(), counts.Sites, size);
            for (var round = 1; round <= pairs; round++)
            {
                var reads = new Figures();
                await SiteReadsAsync(host, history, reads);
                foreach (var row in reads.Rows)
                {
                    // Plain lines: the names are long and the output is usually a pipe 80 columns wide.
                    Console.WriteLine($"round {round}: {row.Name}: {row.Result}");
                }
            }
        }

        AnsiConsole.MarkupLine($"Load average {Machine.LoadAverage()} (it was {loadBefore} at the start)");
        return 0;
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

    // 1. The limit.
    var rawOneRow = new Dictionary<int, Row>();
    foreach (var clients in Counts.Clients)
    {
        rawOneRow[clients] = figures.Rate(Section.Limit, $"Raw: one row per transaction, {Clients(clients)}", counts.RawOneRow,
            await RawPostgres.OneRowPerTransactionAsync(await RawDatabaseAsync(), counts.RawOneRow, clients));
    }

    var rawBatched = figures.Rate(Section.Limit, "Raw: INSERT of 1,000 rows per transaction", counts.RawBulk,
        await RawPostgres.BatchedInsertAsync(await RawDatabaseAsync(), counts.RawBulk, 1000));
    figures.Rate(Section.Limit, "Raw: binary COPY", counts.RawBulk, await RawPostgres.BinaryCopyAsync(await RawDatabaseAsync(), counts.RawBulk));

    // The stack's own floor, for reference (no target): plain Marten, one event per SaveChanges and 1,000.
    foreach (var clients in Counts.Clients)
    {
        figures.Rate(Section.Limit, $"Plain Marten (for reference): one event per SaveChanges, {Clients(clients)}", counts.RawOneRow / 4,
            await PlainMarten.OneEventPerSaveChangesAsync(await FreshDatabaseAsync(), counts.RawOneRow / 4, clients), rawOneRow[clients]);
    }

    figures.Rate(Section.Limit, "Plain Marten (for reference): 1,000 events per SaveChanges", counts.RawBulk / 2,
        await PlainMarten.BatchedAsync(await FreshDatabaseAsync(), counts.RawBulk / 2, 1000), rawBatched);

    // 2. The write path.
    foreach (var clients in Counts.Clients)
    {
        var commands = clients == 1 ? counts.Commands : counts.ConcurrentCommands;
        figures.Rate(Section.Write, $"Posture: RecordIncident through the bus, {Clients(clients)}", commands,
            await PostureWritePath.CommandsPerSecondAsync(await FreshDatabaseAsync(), commands, clients, counts.WarmUp), rawOneRow[clients], 0.5);
    }

    foreach (var clients in Counts.Clients)
    {
        var requests = clients == 1 ? counts.Commands : counts.ConcurrentCommands;
        figures.Rate(Section.Write, $"Posture: POST /api/bases/{{id}}/attacks over HTTP, {Clients(clients)}", requests,
            await HttpWritePath.RequestsPerSecondAsync(await FreshDatabaseAsync(), requests, clients, counts.WarmUp), rawOneRow[clients], 0.5);
    }

    // Each file into a fresh database; the target is the largest file's, and the peak memory is reported for each, to
    // show whether it grows with the file.
    var imports = new List<(int Rows, Peak Memory)>();
    foreach (var rows in counts.ImportSizes)
    {
        var import = await ImportPath.ImportAsync(await FreshDatabaseAsync(), rows);
        figures.Rate(Section.Write, $"Posture: `posture import` of an ACLED-layout file of {rows:N0} rows (events)", rows, import.EventsPerSecond, rawBatched,
            rows == counts.ImportSizes[^1] ? 0.6 : null);
        imports.Add((rows, import.Memory));
    }

    // 3. Replay, 4. reads and 5. memory, on histories written straight through Marten.
    foreach (var size in counts.HistorySizes)
    {
        var connectionString = await FreshDatabaseAsync();
        await using var host = await HttpHost.StartAsync(connectionString);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var history = await SeededHistory.SeedAsync(store, counts.Sites, size);
        figures.Rate(Section.Replay, $"Marten append with inline projections, 1,000 events per transaction ({counts.Sites:N0} sites)", history.Events,
            history.EventsPerSecond, rawBatched);
        var fold = await Replay.RawReadAndFoldAsync(connectionString);
        var rawFold = figures.Rate(Section.Replay, $"Raw: read and fold every event in plain C# ({history.Events:N0} events)", history.Events, fold.EventsPerSecond);
        var rebuild = await Replay.RebuildAsync(store, history.Events);
        figures.Rate(Section.Replay, $"Posture: rebuild every read model and snapshot ({history.Events:N0} events)", history.Events, rebuild.EventsPerSecond, rawFold, 0.5);
        figures.Memory($"Peak working set: raw read and fold of {history.Events:N0} events", fold.Memory);
        figures.Memory($"Peak working set: rebuild of {history.Events:N0} events", rebuild.Memory);

        await SiteReadsAsync(host, history, figures);
    }

    foreach (var (rows, memory) in imports)
    {
        figures.Memory($"Peak working set: import of {rows:N0} rows", memory);
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
var loadAfter = Machine.LoadAverage();
var table = new Table().AddColumns("Measurement", "Count", "Result", "Ratio", "Target");
foreach (var row in figures.Rows)
{
    table.AddRow(Markup.Escape(row.Name), row.Count.ToString("N0", invariant), Markup.Escape(row.Result), row.Ratio ?? "", row.Verdict ?? "");
}

AnsiConsole.Write(table);
AnsiConsole.MarkupLine($"Payload {Workload.Payload.Length} bytes of JSON; {Markup.Escape(serverVersion)}; {durability}; took {total.Elapsed.TotalSeconds.ToString("F1", invariant)} s; load average {loadBefore} before, {loadAfter} after");

var documentPath = Path.Combine(Machine.RepositoryRoot(), "docs", "performance.md");
var handWritten = File.Exists(documentPath) ? PerformanceDocument.HandWritten(await File.ReadAllTextAsync(documentPath)) : "";
await File.WriteAllTextAsync(documentPath, PerformanceDocument.Write(
    new RunFacts(quick, counts, serverVersion, durability, total.Elapsed, loadBefore, loadAfter), figures.Rows, handWritten));
AnsiConsole.MarkupLine($"Wrote {Markup.Escape(documentPath)}");
return 0;

static string Clients(int clients) => clients == 1 ? "1 client" : $"{clients} clients";
