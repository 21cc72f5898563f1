using System.Globalization;
using Posture.Infrastructure;
using Spectre.Console;

namespace Posture.Benchmarks;

/// <summary>The issue's five groups of figures, in its order.</summary>
internal enum Section
{
    Limit = 1,
    Write = 2,
    Replay = 3,
    Reads = 4,
    Memory = 5,
}

/// <summary>How much each measurement does.</summary>
internal sealed record Counts(
    int RawOneRow,
    int RawBulk,
    int Commands,
    int ConcurrentCommands,
    int WarmUp,
    IReadOnlyList<int> ImportSizes,
    int Sites,
    IReadOnlyList<int> HistorySizes,
    int ListSamples,
    int ReadSamples,
    int AsOfSamples)
{
    public static readonly int[] Clients = [1, 4, 16];

    public static Counts Quick { get; } = new(
        RawOneRow: 3_000, RawBulk: 5_000, Commands: 150, ConcurrentCommands: 240, WarmUp: 48, ImportSizes: [500, 5_000],
        Sites: 1_000, HistorySizes: [10_000], ListSamples: 5, ReadSamples: 50, AsOfSamples: 20);

    // Commands one at a time cost milliseconds each, so the write path's counts stay in the thousands; the import
    // writes its rows in bulk, so it takes the 100,000 rows the issue names (see docs/performance.md), after a file a
    // tenth of that size, so its peak memory is seen at two sizes.
    public static Counts Full { get; } = new(
        RawOneRow: 20_000, RawBulk: 200_000, Commands: 2_000, ConcurrentCommands: 3_200, WarmUp: 160, ImportSizes: [10_000, 100_000],
        Sites: 1_000, HistorySizes: [100_000, 1_000_000], ListSamples: 20, ReadSamples: 500, AsOfSamples: 200);
}

/// <summary>
/// After the warm-up commands, a pause, so the connection pools, Wolverine's agents and the first reassessments settle
/// before the clock starts (the program runs with tiered compilation off; see its project file).
/// </summary>
internal static class WarmUp
{
    public static Task SettleAsync() => Task.Delay(TimeSpan.FromSeconds(1.5));
}

/// <summary>One figure: a rate (with the raw rate it is compared with), a latency or a peak of memory.</summary>
internal sealed record Row(Section Section, string Name, int Count, string Result, string? Ratio, string? Verdict, double PerSecond = 0);

/// <summary>The figures of one run, printed as they come.</summary>
internal sealed class Figures
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly List<Row> _rows = [];

    public IReadOnlyList<Row> Rows => _rows;

    /// <summary>A rate; against <paramref name="raw"/> it gets a ratio, and against <paramref name="target"/> (a fraction of raw) a verdict.</summary>
    public Row Rate(Section section, string name, int count, double perSecond, Row? raw = null, double? target = null)
    {
        string? ratio = null;
        string? verdict = null;
        if (raw is not null)
        {
            var fraction = perSecond / raw.PerSecond;
            ratio = fraction.ToString("P1", Invariant);
            if (target is { } wanted)
            {
                verdict = $"≥ {wanted.ToString("P0", Invariant)}: {(fraction >= wanted ? "met" : "missed")}";
            }
        }

        return Add(new Row(section, name, count, $"{perSecond.ToString("N0", Invariant)}/s", ratio, verdict, perSecond));
    }

    public void Latency(string name, int samples, (double P50, double P99) latency, double? p99TargetMilliseconds) =>
        Add(new Row(Section.Reads, name, samples,
            string.Create(Invariant, $"p50 {latency.P50:F1} ms, p99 {latency.P99:F1} ms"), null,
            p99TargetMilliseconds is { } wanted ? $"p99 ≤ {wanted} ms: {(latency.P99 <= wanted ? "met" : "missed")}" : null));

    public void Memory(string name, Peak peak) =>
        Add(new Row(Section.Memory, name, 1,
            string.Create(Invariant, $"{peak.Bytes / (1024.0 * 1024.0):N0} MB, {peak.Rise / (1024.0 * 1024.0):N0} MB above the start"), null, null));

    private Row Add(Row row)
    {
        _rows.Add(row);
        AnsiConsole.MarkupLine($"  {Markup.Escape(row.Name)}: {Markup.Escape(row.Result)}{(row.Ratio is null ? "" : $" ({row.Ratio})")}");
        return row;
    }
}

/// <summary>What the document says about the run besides its figures.</summary>
internal sealed record RunFacts(bool Quick, Counts Counts, string ServerVersion, string Durability, TimeSpan Took, string LoadBefore, string LoadAfter)
{
    public string Day { get; } = SystemClocks.System.GetCurrentInstant().InUtc().Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Facts about the machine the run is on.</summary>
internal static class Machine
{
    /// <summary>The 1-, 5- and 15-minute load averages (Linux), or "unknown": how busy the machine was besides us.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    public static string RepositoryRoot()
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
}
