using System.Diagnostics;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Posture.Benchmarks;

/// <summary>
/// The raw limit: plain Npgsql into an events-like table, with no framework in between. Each measurement gets a
/// fresh database, so no measurement pays for another's table and indexes.
/// </summary>
internal static class RawPostgres
{
    private const string Table = """
        create table events (
            seq bigserial primary key,
            stream uuid not null,
            version int not null,
            type text not null,
            data jsonb not null,
            ts timestamptz not null default now(),
            unique (stream, version))
        """;

    private const string EventType = "incident_recorded";

    public static async Task CreateTableAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand(Table, connection);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>One row per transaction (autocommit), from <paramref name="clients"/> connections each writing its own stream.</summary>
    public static async Task<double> OneRowPerTransactionAsync(string connectionString, int rows, int clients)
    {
        var perClient = rows / clients;
        await using var source = NpgsqlDataSource.Create(connectionString);
        // Open every connection before the clock starts.
        var connections = new List<NpgsqlConnection>();
        for (var c = 0; c < clients; c++)
        {
            connections.Add(await source.OpenConnectionAsync());
        }

        try
        {
            var stopwatch = Stopwatch.StartNew();
            await Task.WhenAll(connections.Select(connection => Task.Run(async () =>
            {
                var stream = Guid.NewGuid();
                await using var insert = new NpgsqlCommand("insert into events (stream, version, type, data) values ($1, $2, $3, $4)", connection);
                var streamParameter = new NpgsqlParameter<Guid> { TypedValue = stream };
                var versionParameter = new NpgsqlParameter<int>();
                insert.Parameters.Add(streamParameter);
                insert.Parameters.Add(versionParameter);
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EventType });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Workload.Payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
                await insert.PrepareAsync();
                for (var version = 1; version <= perClient; version++)
                {
                    versionParameter.TypedValue = version;
                    await insert.ExecuteNonQueryAsync();
                }
            })));
            stopwatch.Stop();
            return perClient * clients / stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>Multi-row INSERTs of <paramref name="batch"/> rows, one transaction each, from one connection.</summary>
    public static async Task<double> BatchedInsertAsync(string connectionString, int rows, int batch)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var text = new StringBuilder("insert into events (stream, version, type, data) values ");
        for (var i = 0; i < batch; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(System.Globalization.CultureInfo.InvariantCulture, $"(${(2 * i) + 1}, ${(2 * i) + 2}, '{EventType}', ${(2 * batch) + 1})");
        }

        var stream = Guid.NewGuid();
        var batches = rows / batch;
        var stopwatch = Stopwatch.StartNew();
        for (var b = 0; b < batches; b++)
        {
            await using var insert = new NpgsqlCommand(text.ToString(), connection);
            for (var i = 0; i < batch; i++)
            {
                insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = stream });
                insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (b * batch) + i + 1 });
            }

            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Workload.Payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
            await insert.ExecuteNonQueryAsync();
        }

        stopwatch.Stop();
        return batches * batch / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Binary COPY of all the rows in one transaction, from one connection.</summary>
    public static async Task<double> BinaryCopyAsync(string connectionString, int rows)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var stream = Guid.NewGuid();
        var stopwatch = Stopwatch.StartNew();
        await using (var writer = await connection.BeginBinaryImportAsync("copy events (stream, version, type, data) from stdin (format binary)"))
        {
            for (var version = 1; version <= rows; version++)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(stream, NpgsqlDbType.Uuid);
                await writer.WriteAsync(version, NpgsqlDbType.Integer);
                await writer.WriteAsync(EventType, NpgsqlDbType.Text);
                await writer.WriteAsync(Workload.Payload, NpgsqlDbType.Jsonb);
            }

            await writer.CompleteAsync();
        }

        stopwatch.Stop();
        return rows / stopwatch.Elapsed.TotalSeconds;
    }

    public static async Task<string> ServerVersionAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var version = new NpgsqlCommand("select version()", connection);
        return (string?)await version.ExecuteScalarAsync() ?? "unknown";
    }

    public static async Task<string> SettingAsync(string connectionString, string name)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var show = new NpgsqlCommand("select current_setting($1)", connection);
        show.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return (string?)await show.ExecuteScalarAsync() ?? "unknown";
    }
}
