using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Posture.Infrastructure.Storage;

/// <summary>
/// Where Posture's data lives. A configured connection string (environment variable <c>POSTURE_DB</c>, or
/// <c>ConnectionStrings:Posture</c>) is used as it is and nothing is started. Without one, Posture starts its own
/// PostgreSQL (<see cref="PrivatePostgres"/>) in <c>Posture:DataDirectory</c> (else env <c>POSTURE_DATA_DIR</c>; default per
/// user), from the server programs in <c>Posture:PostgresBin</c> (env <c>POSTURE_PG_BIN</c>) or the usual places, and
/// stops it again when disposed.
/// <para>
/// Either way the connection string carries timeouts, so that no request waits on the database for long: opening a
/// connection gives up after <c>Posture:Storage:ConnectTimeoutSeconds</c> (default 5) and a query after
/// <c>Posture:Storage:CommandTimeoutSeconds</c> (default 30). A setting wins over the connection string's own
/// <c>Timeout</c>/<c>Command Timeout</c>, which wins over the default.
/// </para>
/// </summary>
public sealed class PostureDatabase : IAsyncDisposable, IDisposable
{
    public const string ConnectionStringEnvironmentVariable = "POSTURE_DB";
    public const string DataDirectoryEnvironmentVariable = "POSTURE_DATA_DIR";
    public const string DatabaseName = "posture";
    public const int DefaultConnectTimeoutSeconds = 5;
    public const int DefaultCommandTimeoutSeconds = 30;

    /// <summary>How many statements Npgsql keeps prepared per connection (the most used; see <see cref="WithStatementPreparation"/>).</summary>
    public const int MaxPreparedStatements = 100;

    private PrivatePostgres? _server;

    private PostureDatabase(string connectionString, PrivatePostgres? server)
    {
        ConnectionString = connectionString;
        _server = server;
    }

    public string ConnectionString { get; }

    /// <summary>Where this process's data is, in words for a person (the password is never shown).</summary>
    public string Description => _server is null
        ? "the PostgreSQL server configured by connection string"
        : $"the private PostgreSQL on 127.0.0.1:{_server.Port} (data: {_server.Root})";

    /// <summary>A database at a known connection string; nothing is started or stopped.</summary>
    public static PostureDatabase ForConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new PostureDatabase(connectionString, null);
    }

    public static string? ConfiguredConnectionString(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var fromEnvironment = Environment.GetEnvironmentVariable(ConnectionStringEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        var fromConfiguration = configuration.GetConnectionString("Posture");
        return string.IsNullOrWhiteSpace(fromConfiguration) ? null : fromConfiguration;
    }

    /// <summary>
    /// The private server's folder: <c>Posture:DataDirectory</c> (where the CLI's --data-dir goes), then the environment
    /// variable <c>POSTURE_DATA_DIR</c>, then the per-user default.
    /// </summary>
    public static string ConfiguredDataDirectory(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration["Posture:DataDirectory"] is { Length: > 0 } fromConfiguration)
        {
            return fromConfiguration;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(DataDirectoryEnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? PrivatePostgres.DefaultRoot() : fromEnvironment;
    }

    public static async Task<PostureDatabase> OpenAsync(IConfiguration configuration, ILogger logger, CancellationToken cancellationToken = default)
    {
        if (ConfiguredConnectionString(configuration) is { } connectionString)
        {
            return new PostureDatabase(WithTimeouts(connectionString, configuration), null);
        }

        var server = await PrivatePostgres.StartAsync(
                ConfiguredDataDirectory(configuration), configuration["Posture:PostgresBin"], logger, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            await server.EnsureDatabaseAsync(DatabaseName, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new PostureDatabase(WithTimeouts(server.ConnectionString(DatabaseName), configuration), server);
    }

    /// <summary>The connection string with the connect and command timeouts described above.</summary>
    public static string WithTimeouts(string connectionString, IConfiguration configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(configuration);
        // Which keywords the string names itself (Npgsql's own builder reports every keyword, set or not).
        var named = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Timeout = Seconds(configuration, "Posture:Storage:ConnectTimeoutSeconds", named, ["Timeout"], builder.Timeout, DefaultConnectTimeoutSeconds);
        builder.CommandTimeout = Seconds(
            configuration, "Posture:Storage:CommandTimeoutSeconds", named, ["Command Timeout", "CommandTimeout"], builder.CommandTimeout, DefaultCommandTimeoutSeconds);
        return builder.ConnectionString;
    }

    /// <summary>
    /// The connection string with Npgsql's automatic statement preparation on, unless it says otherwise itself. Every
    /// command sends the same dozen statements (Marten's generated SQL); prepared, PostgreSQL parses, analyses and plans
    /// each once per connection instead of on every call, which was a third of the server's time per command
    /// (docs/adr/0022, measured).
    /// </summary>
    public static string WithStatementPreparation(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var named = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (named.ContainsKey("Max Auto Prepare") || named.ContainsKey("MaxAutoPrepare"))
        {
            return connectionString;
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = MaxPreparedStatements, AutoPrepareMinUsages = 2 };
        return builder.ConnectionString;
    }

    private static int Seconds(IConfiguration configuration, string key, DbConnectionStringBuilder named, string[] keywords, int fromString, int fallback)
    {
        if (configuration[key] is { Length: > 0 } text)
        {
            return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 3600
                ? seconds
                : throw new PostureStartupException($"{key} must be a whole number of seconds from 1 to 3600, not '{text}'.");
        }

        return keywords.Any(named.ContainsKey) ? fromString : fallback;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
