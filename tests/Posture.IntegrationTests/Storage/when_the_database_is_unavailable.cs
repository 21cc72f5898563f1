using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Posture.Infrastructure.Storage;

namespace Posture.IntegrationTests.Storage;

/// <summary>
/// What counts as an outage (answered 503 and waited out by the bus) and what does not, and the timeouts every
/// connection string gets. The outage itself, on a real server, is in Reliability/when_postgres_restarts_under_load.
/// </summary>
public sealed class when_the_database_is_unavailable
{
    private static PostgresException Server(string sqlState) => new("message", "FATAL", "FATAL", sqlState);

    [Theory]
    [InlineData(PostgresErrorCodes.AdminShutdown)]
    [InlineData(PostgresErrorCodes.CrashShutdown)]
    [InlineData(PostgresErrorCodes.CannotConnectNow)]
    [InlineData(PostgresErrorCodes.ConnectionFailure)]
    [InlineData(PostgresErrorCodes.TooManyConnections)]
    public void a_server_going_away_or_full_is_an_outage(string sqlState) =>
        DatabaseOutages.IsOutage(Server(sqlState)).ShouldBeTrue();

    [Theory]
    [InlineData(PostgresErrorCodes.UniqueViolation)]
    [InlineData(PostgresErrorCodes.SerializationFailure)]
    [InlineData(PostgresErrorCodes.SyntaxError)]
    public void a_fault_in_the_statement_is_not(string sqlState) =>
        DatabaseOutages.IsOutage(Server(sqlState)).ShouldBeFalse();

    [Fact]
    public void a_refused_connection_is_an_outage_however_deeply_it_is_wrapped()
    {
        var refused = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));
        DatabaseOutages.IsOutage(refused).ShouldBeTrue();
        DatabaseOutages.IsOutage(new InvalidOperationException("Marten command failure", refused)).ShouldBeTrue();
        DatabaseOutages.IsOutage(new AggregateException(new InvalidOperationException("outer", refused))).ShouldBeTrue();
        DatabaseOutages.IsOutage(new InvalidOperationException("a bug")).ShouldBeFalse();
    }

    [Fact]
    public void a_connection_string_gets_connect_and_command_timeouts()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostureDatabase.WithTimeouts("Host=127.0.0.1;Database=posture", Configuration()));
        builder.Timeout.ShouldBe(PostureDatabase.DefaultConnectTimeoutSeconds);
        builder.CommandTimeout.ShouldBe(PostureDatabase.DefaultCommandTimeoutSeconds);
    }

    [Fact]
    public void a_setting_wins_over_the_connection_string_which_wins_over_the_default()
    {
        var own = new NpgsqlConnectionStringBuilder(PostureDatabase.WithTimeouts("Host=127.0.0.1;Timeout=9;Command Timeout=90", Configuration()));
        own.Timeout.ShouldBe(9);
        own.CommandTimeout.ShouldBe(90);

        var configured = new NpgsqlConnectionStringBuilder(PostureDatabase.WithTimeouts(
            "Host=127.0.0.1;Timeout=9;Command Timeout=90",
            Configuration(("Posture:Storage:ConnectTimeoutSeconds", "3"), ("Posture:Storage:CommandTimeoutSeconds", "12"))));
        configured.Timeout.ShouldBe(3);
        configured.CommandTimeout.ShouldBe(12);
    }

    [Fact]
    public void a_timeout_that_is_not_a_number_of_seconds_stops_posture_with_one_line() =>
        Should.Throw<PostureStartupException>(() => PostureDatabase.WithTimeouts(
                "Host=127.0.0.1", Configuration(("Posture:Storage:CommandTimeoutSeconds", "forever"))))
            .Message.ShouldContain("Posture:Storage:CommandTimeoutSeconds");

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
}
