using Npgsql;
using Posture.Infrastructure.Storage;

[assembly: AssemblyFixture(typeof(Posture.IntegrationTests.Infrastructure.TestPostgres))]

namespace Posture.IntegrationTests.Infrastructure;

/// <summary>
/// One PostgreSQL server for the whole test run: Posture's own private server in a fresh temporary folder (so every
/// run starts clean and nothing needs starting by hand), or the server POSTURE_DB points at when it is set. Each
/// caller gets a database of its own, dropped at the end.
/// </summary>
public sealed class TestPostgres : IAsyncLifetime
{
    private readonly List<string> _databases = [];
    private PrivatePostgres? _server;
    private string? _serverConnectionString;
    private string? _root;

    public async ValueTask InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(PostureDatabase.ConnectionStringEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            _serverConnectionString = configured;
            return;
        }

        _root = Path.Combine(Path.GetTempPath(), $"posture-tests-{Guid.NewGuid():N}");
        _server = await PrivatePostgres.StartAsync(_root);
        _serverConnectionString = _server.ConnectionString("postgres");
    }

    /// <summary>Creates an empty database and answers its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        lock (_databases)
        {
            _databases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.DisposeAsync();
            Directory.Delete(_root!, recursive: true);
            return;
        }

        // A shared server: drop what this run created.
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        foreach (var name in _databases)
        {
            await using var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
