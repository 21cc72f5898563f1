using Marten;
using Npgsql;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Storage;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Storage;

/// <summary>
/// Every command sends the same few statements; the store's connections have Npgsql prepare the ones used again, so
/// PostgreSQL parses and plans each once per connection (docs/adr/0022), unless the connection string says
/// otherwise.
/// </summary>
public sealed class when_the_store_prepares_statements(TestPostgres postgres)
{
    [Fact]
    public void a_connection_string_gets_automatic_preparation()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostureDatabase.WithStatementPreparation("Host=127.0.0.1;Database=posture"));
        builder.MaxAutoPrepare.ShouldBe(PostureDatabase.MaxPreparedStatements);
        builder.AutoPrepareMinUsages.ShouldBe(2);
    }

    [Fact]
    public void a_connection_string_that_names_it_keeps_its_own() =>
        new NpgsqlConnectionStringBuilder(PostureDatabase.WithStatementPreparation("Host=127.0.0.1;Max Auto Prepare=0"))
            .MaxAutoPrepare.ShouldBe(0);

    [Fact]
    public async Task a_statement_the_store_runs_again_is_prepared_on_the_server()
    {
        var connectionString = await postgres.CreateDatabaseAsync("prepares");
        using var store = DocumentStore.For(options => PostureStore.Configure(options, connectionString));
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        for (var i = 0; i < 3; i++)
        {
            await using var command = new NpgsqlCommand("select $1::int + 1", connection) { Parameters = { new() { Value = i } } };
            await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        }

        await using var prepared = new NpgsqlCommand("select count(*) from pg_prepared_statements where statement like 'select $1::int + 1%'", connection);
        ((long)(await prepared.ExecuteScalarAsync(TestContext.Current.CancellationToken))!).ShouldBe(1);
    }
}
