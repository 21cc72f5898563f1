using Marten;
using Npgsql;
using Posture.Cli.Demo;
using Posture.Domain.Incidents;
using Posture.Domain.Sites;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Sites;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Cli;

/// <summary>The README's first command: the seed story recorded through the bus, and Balad's read model printed.</summary>
public sealed class when_running_the_demo(TestPostgres postgres)
{
    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task the_seed_story_is_recorded_once_however_often_it_runs()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_demo");
        var configuration = new Dictionary<string, string?> { ["ConnectionStrings:Posture"] = connectionString, ["Posture:Cli:User"] = "demo-officer" };

        var first = await CliRun.RunAsync(configuration, "demo");

        first.ExitCode.ShouldBe(0, first.Error);
        first.Output.ShouldContain("Balad Air Base");
        first.Output.ShouldContain("2021-02-20 17:30Z");
        first.Output.ShouldContain("16 February 2021, the morning after Erbil");
        first.Output.ShouldContain("\"contractors\": 46");
        first.Output.ShouldContain($"/api/sites/{DemoCommand.Balad}");
        var events = await CountAsync(connectionString, $"select count(*) from {PostureStore.Schema}.mt_events where type <> 'threat_level_changed'");
        events.ShouldBe(DemoScript.Load().Steps.Count);
        (await CountAsync(connectionString, $"select count(*) from {PostureStore.Schema}.mt_events where user_name = 'demo-officer' and type <> 'threat_level_changed'")).ShouldBe(events);

        var second = await CliRun.RunAsync(configuration, "demo");

        second.ExitCode.ShouldBe(0, second.Error);
        second.Output.ShouldContain("already recorded");
        second.Output.ShouldNotContain("  recorded  ");
        (await CountAsync(connectionString, $"select count(*) from {PostureStore.Schema}.mt_events where type <> 'threat_level_changed'")).ShouldBe(events);
    }

    [Fact]
    public async Task balads_read_model_matches_the_story()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_demo");
        (await CliRun.RunAsync(new Dictionary<string, string?> { ["ConnectionStrings:Posture"] = connectionString }, "demo")).ExitCode.ShouldBe(0);

        await using var store = DocumentStore.For(o => PostureStore.Configure(o, connectionString));
        await using var session = store.QuerySession();
        var balad = (await session.LoadAsync<SitePosture>(DemoCommand.Balad)).ShouldNotBeNull();
        balad.Region.ShouldBe("Salah al-Din");
        (await session.Query<IncidentLogEntry>().CountAsync(i => i.SiteId == DemoCommand.Balad)).ShouldBe(2);
        (await LastIncidents.AtAsync(session, [DemoCommand.Balad], NodaTime.Instant.MaxValue, CancellationToken.None))[DemoCommand.Balad]
            .ShouldBe(NodaTime.Instant.FromUtc(2021, 2, 20, 17, 30));
    }

    [Theory]
    [InlineData("2021-02-14T12:00:00Z", "low", "low", 46)]
    [InlineData("2021-02-16T06:00:00Z", "low", "high", 46)]
    [InlineData("2021-02-20T20:00:00Z", "significant", "high", 46)]
    [InlineData("2021-06-01T00:00:00Z", "low", "moderate", 46)]
    [InlineData("2019-06-01T00:00:00Z", "low", "low", 1850)]
    public async Task the_posture_at_each_moment_of_the_story_is_what_the_story_says(string at, string balad, string erbil, int sallyportAtBalad)
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_demo");
        var configuration = new Dictionary<string, string?> { ["ConnectionStrings:Posture"] = connectionString };
        (await CliRun.RunAsync(configuration, "demo")).ExitCode.ShouldBe(0);

        var run = await CliRun.RunAsync(configuration, "sites", "--at", at, "--format", "json");

        run.ExitCode.ShouldBe(0, run.Error);
        var sites = System.Text.Json.JsonDocument.Parse(run.Output).RootElement.EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s);
        sites["Balad Air Base"].GetProperty("threat").GetProperty("level").GetString().ShouldBe(balad);
        sites["Erbil Air Base"].GetProperty("threat").GetProperty("level").GetString().ShouldBe(erbil);
        sites["Balad Air Base"].GetProperty("headcount").GetProperty("contractors").GetInt32().ShouldBe(sallyportAtBalad);
        sites["NATO Mission Iraq HQ"].GetProperty("headcount").GetProperty("mission").GetInt32().ShouldBe(500);
    }

    [Fact]
    public async Task db_info_counts_what_the_demo_recorded()
    {
        var connectionString = await postgres.CreateDatabaseAsync("posture_demo");
        var configuration = new Dictionary<string, string?> { ["ConnectionStrings:Posture"] = connectionString };
        (await CliRun.RunAsync(configuration, "demo")).ExitCode.ShouldBe(0);

        var info = await CliRun.RunAsync(configuration, "db", "info");

        info.ExitCode.ShouldBe(0, info.Error);
        info.Output.ShouldContain("sites");
        System.Text.RegularExpressions.Regex.IsMatch(info.Output, @"sites\s*│\s*3\s").ShouldBeTrue(info.Output);
        System.Text.RegularExpressions.Regex.IsMatch(info.Output, @"incidents \(as now believed\)\s*│\s*3\s").ShouldBeTrue(info.Output);
    }

    [Fact]
    public async Task on_its_own_private_postgres_the_server_is_stopped_when_the_demo_ends()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable("POSTURE_DB") is not null, "POSTURE_DB is set for this run and takes precedence");
        var root = Path.Combine(Path.GetTempPath(), $"posture-cli-{Guid.NewGuid():N}");
        try
        {
            var run = await CliRun.RunAsync(new Dictionary<string, string?>(), "demo", "--data-dir", root);

            run.ExitCode.ShouldBe(0, run.Error);
            run.Output.ShouldContain($"(data: {root})");
            File.Exists(Path.Combine(root, "data", "PG_VERSION")).ShouldBeTrue();
            File.Exists(Path.Combine(root, "data", "postmaster.pid")).ShouldBeFalse("the server Posture started must be stopped when it exits");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }
}
