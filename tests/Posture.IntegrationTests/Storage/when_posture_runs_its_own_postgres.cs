using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Posture.Infrastructure.Storage;

namespace Posture.IntegrationTests.Storage;

/// <summary>The embedded default: a private server in a folder of its own, found again on the next start.</summary>
public sealed class when_posture_runs_its_own_postgres : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"posture-launcher-{Guid.NewGuid():N}");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task a_second_start_finds_the_data_of_the_first()
    {
        string connectionString;
        await using (var first = await PrivatePostgres.StartAsync(_root))
        {
            first.StartedHere.ShouldBeTrue();
            await first.EnsureDatabaseAsync("posture");
            connectionString = first.ConnectionString("posture");
            await ScalarAsync(connectionString, "create table kept (note text); insert into kept values ('still here')");
        }

        // Stopped on dispose: nothing listens on that port any more.
        NpgsqlConnection.ClearAllPools();
        await Should.ThrowAsync<NpgsqlException>(() => ScalarAsync(connectionString, "select 1"));

        await using var second = await PrivatePostgres.StartAsync(_root);
        second.StartedHere.ShouldBeTrue();
        (await ScalarAsync(second.ConnectionString("posture"), "select note from kept")).ShouldBe("still here");
    }

    [Fact]
    public async Task a_server_already_running_on_the_folder_is_reused_and_left_running()
    {
        await using var first = await PrivatePostgres.StartAsync(_root);
        await using (var second = await PrivatePostgres.StartAsync(_root))
        {
            second.StartedHere.ShouldBeFalse();
            second.Port.ShouldBe(first.Port);
        }

        (await ScalarAsync(first.ConnectionString("postgres"), "select 41 + 1")).ShouldBe(42);
    }

    [Fact]
    public async Task the_server_listens_on_loopback_only_and_wants_the_password()
    {
        await using var server = await PrivatePostgres.StartAsync(_root);
        (await ScalarAsync(server.ConnectionString("postgres"), "show listen_addresses")).ShouldBe("127.0.0.1");

        var wrong = new NpgsqlConnectionStringBuilder(server.ConnectionString("postgres")) { Password = "guess" }.ConnectionString;
        var refused = await Should.ThrowAsync<PostgresException>(() => ScalarAsync(wrong, "select 1"));
        refused.SqlState.ShouldBe(PostgresErrorCodes.InvalidPassword);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(Path.Combine(_root, "password")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Fact]
    public async Task ensuring_a_database_twice_is_harmless()
    {
        await using var server = await PrivatePostgres.StartAsync(_root);
        await server.EnsureDatabaseAsync("posture");
        await server.EnsureDatabaseAsync("posture");
        (await ScalarAsync(server.ConnectionString("postgres"), "select count(*) from pg_database where datname = 'posture'")).ShouldBe(1L);
    }

    [Fact]
    public void a_folder_without_server_programs_names_what_to_set()
    {
        Directory.CreateDirectory(_root);
        var error = Should.Throw<PostureStartupException>(() => PostgresBinaries.Locate(_root, null));
        error.Message.ShouldContain("POSTURE_PG_BIN");
        error.Message.ShouldContain("initdb");
    }

    [Fact]
    public void a_cluster_of_a_version_that_is_not_installed_names_the_package_to_install()
    {
        var error = Should.Throw<PostureStartupException>(() => PostgresBinaries.Locate(null, "99"));
        error.Message.ShouldContain("apt-get install postgresql-99");
    }

    [Fact]
    public async Task a_configured_connection_string_is_used_and_nothing_is_started()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable(PostureDatabase.ConnectionStringEnvironmentVariable) is not null,
            "POSTURE_DB is set for this run and takes precedence over configuration");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Posture"] = "Host=db.example;Database=posture",
                ["Posture:DataDirectory"] = _root,
            })
            .Build();

        await using var database = await PostureDatabase.OpenAsync(configuration, NullLogger.Instance);

        // The configured server and database, with the timeouts every connection string gets (ADR 0014).
        var used = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        (used.Host, used.Database).ShouldBe(("db.example", "posture"));
        (used.Timeout, used.CommandTimeout).ShouldBe((PostureDatabase.DefaultConnectTimeoutSeconds, PostureDatabase.DefaultCommandTimeoutSeconds));
        Directory.Exists(_root).ShouldBeFalse();
    }
}
