using System.Globalization;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Npgsql;
using Posture.Infrastructure.Marten;
using Posture.IntegrationTests.Cli;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Hostile;

/// <summary>
/// Property-based fuzzing of <c>posture import</c> with malformed files (random bytes, invalid UTF-8, bad headers,
/// missing columns, huge fields, unbalanced quotes, byte-order marks, mixed line endings, empty files, dates out of
/// range). The contract (docs/cli.md, ADR 0012): a file refused as a whole is exit code 2 with one line naming the
/// problem and nothing written; otherwise every good row is imported and every bad one rejected with its reason (exit 1
/// when any was), and what the summary says was imported is exactly what was written. Never an unhandled failure (3).
/// </summary>
public sealed partial class when_importing_hostile_files(TestPostgres postgres) : IAsyncLifetime
{
    /// <summary>Each file starts a CLI host (about a second): enough files to meet every generator, under a minute.</summary>
    private const int Files = 40;

    private Dictionary<string, string?> _configuration = null!;

    public async ValueTask InitializeAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_hostile_import");
        _configuration = new Dictionary<string, string?> { ["ConnectionStrings:Posture"] = connectionString, ["Posture:User"] = "import-officer" };
        var demo = await CliRun.RunAsync(_configuration, "demo");
        demo.ExitCode.ShouldBe(0, demo.Error);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task a_hostile_file_is_refused_or_imported_row_by_row_and_never_breaks_the_import()
    {
        var exits = new SortedDictionary<int, int>();
        await Task.Run(() => Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(Files).WithName("posture import"),
            Prop.ForAll(Arb.From(HostileFiles.Any()), file =>
            {
                var exit = ImportAsync(file).GetAwaiter().GetResult();
                lock (exits)
                {
                    exits[exit] = exits.GetValueOrDefault(exit) + 1;
                }
            })));

        TestContext.Current.TestOutputHelper?.WriteLine($"{Files} files: exit codes {string.Join(", ", exits.Select(e => $"{e.Key}: {e.Value}"))}");
        exits.Keys.ShouldBeSubsetOf([0, 1, 2]);
    }

    private async Task<int> ImportAsync(HostileFile file)
    {
        var path = Path.Combine(Path.GetTempPath(), $"posture-hostile-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(path, file.Bytes);
        try
        {
            var before = await IncidentEventsAsync();
            var run = await CliRun.RunAsync(_configuration, "import", path);
            var written = await IncidentEventsAsync() - before;
            var what = $"{file}\n--- exit {run.ExitCode}, {written} events written\n{run.Output}\n{run.Error}";
            run.ExitCode.ShouldBeOneOf([0, 1, 2], what);
            run.Error.ShouldNotContain("   at ", Case.Sensitive, what);
            if (run.ExitCode == 2)
            {
                run.ShouldBeOneLineUsageError(path);
                written.ShouldBe(0, what);
                return run.ExitCode;
            }

            var summary = Summary().Match(run.Output);
            summary.Success.ShouldBeTrue(what);
            var imported = int.Parse(summary.Groups["imported"].Value, CultureInfo.InvariantCulture);
            var rejected = int.Parse(summary.Groups["rejected"].Value, CultureInfo.InvariantCulture);
            written.ShouldBe(imported, what);
            run.ExitCode.ShouldBe(rejected > 0 ? 1 : 0, what);
            return run.ExitCode;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [GeneratedRegex(@"imported (?<imported>\d+), already imported \d+, skipped \d+, rejected (?<rejected>\d+)\.")]
    private static partial Regex Summary();

    private async Task<long> IncidentEventsAsync()
    {
        await using var connection = new NpgsqlConnection(_configuration["ConnectionStrings:Posture"]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select count(*) from {PostureStore.Schema}.mt_events where type not in ('threat_level_changed', 'base_registered')", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
