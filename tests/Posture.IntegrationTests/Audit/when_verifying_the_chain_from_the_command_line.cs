using System.Text.RegularExpressions;
using Npgsql;
using Posture.Infrastructure.Marten;
using Posture.IntegrationTests.Cli;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Audit;

/// <summary>
/// <c>posture audit verify</c> on the seed story: exit 0 and an anchor on an untouched history; exit 1 naming the
/// event when a row was edited in PostgreSQL, or when the anchor recorded earlier no longer matches.
/// </summary>
public sealed partial class when_verifying_the_chain_from_the_command_line(TestPostgres postgres)
{
    private static readonly Guid Balad = Guid.Parse("0b1ad000-0000-4000-8000-000000000001");

    private async Task<(Dictionary<string, string?> Configuration, string ConnectionString)> DemoAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_chain");
        var configuration = new Dictionary<string, string?> { ["ConnectionStrings:Posture"] = connectionString, ["Posture:User"] = "demo-officer" };
        var demo = await CliRun.RunAsync(configuration, "demo");
        demo.ExitCode.ShouldBe(0, demo.Error);
        return (configuration, connectionString);
    }

    private static async Task SqlAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("s", Balad);
        (await command.ExecuteNonQueryAsync()).ShouldBeGreaterThan(0);
    }

    [GeneratedRegex(@"anchor (\d+:[0-9a-f]{64})")]
    private static partial Regex Anchor();

    [Fact]
    public async Task an_untouched_story_verifies_and_an_edited_event_is_named_with_exit_code_1()
    {
        var (configuration, connectionString) = await DemoAsync();

        var clean = await CliRun.RunAsync(configuration, "audit", "verify");

        clean.ExitCode.ShouldBe(0, clean.Output + clean.Error);
        clean.Output.ShouldContain("Verifying the event chain");
        clean.Output.ShouldContain("0 unchained");
        clean.Output.ShouldContain("no tampering found");
        Anchor().IsMatch(clean.Output).ShouldBeTrue(clean.Output);

        await SqlAsync(connectionString,
            $"update {PostureStore.Schema}.mt_events set data = jsonb_set(data, '{{report,killed}}', '3') where stream_id = @s and type = 'rocket_attack_occurred'");
        var tampered = await CliRun.RunAsync(configuration, "audit", "verify");

        tampered.ExitCode.ShouldBe(1, tampered.Output + tampered.Error);
        tampered.Output.ShouldContain("tampered");
        tampered.Output.ShouldContain(Balad.ToString());
        tampered.Output.ShouldContain("hash does not match");
        // The same report at a terminal, with a progress bar.
        (await CliRun.RunOnATerminalAsync(configuration, "audit", "verify")).ExitCode.ShouldBe(1);
    }

    [Fact]
    public async Task an_anchor_recorded_earlier_matches_until_history_is_rewritten()
    {
        var (configuration, connectionString) = await DemoAsync();
        var first = await CliRun.RunAsync(configuration, "audit", "verify");
        var anchor = Anchor().Match(first.Output).Groups[1].Value;

        var same = await CliRun.RunAsync(configuration, "audit", "verify", "--anchor", anchor, "--heads");
        same.ExitCode.ShouldBe(0, same.Output + same.Error);
        same.Output.ShouldContain("matches");
        same.Output.ShouldContain(Balad.ToString());

        // A rewrite every hash survives: the stream's last event removed along with the stream's version.
        await SqlAsync(connectionString, $"""
            delete from {PostureStore.Schema}.mt_events where stream_id = @s and version = (select version from {PostureStore.Schema}.mt_streams where id = @s);
            update {PostureStore.Schema}.mt_streams set version = version - 1 where id = @s;
            """);
        var rewritten = await CliRun.RunAsync(configuration, "audit", "verify", "--anchor", anchor);

        rewritten.ExitCode.ShouldBe(1, rewritten.Output + rewritten.Error);
        rewritten.Output.ShouldContain("no tampering found");
        rewritten.Output.ShouldContain("does not match");
    }

    [Fact]
    public async Task a_malformed_anchor_is_a_usage_error()
    {
        var run = await CliRun.RunAsync(new Dictionary<string, string?>(), "audit", "verify", "--anchor", "yesterday");

        run.ShouldBeOneLineUsageError("--anchor 'yesterday' is not SEQUENCE:DIGEST");
    }
}
