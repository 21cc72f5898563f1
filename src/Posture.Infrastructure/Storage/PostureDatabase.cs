using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Posture.Infrastructure.Storage;

/// <summary>
/// Where Posture's data lives. A configured connection string (environment variable <c>POSTURE_DB</c>, or
/// <c>ConnectionStrings:Posture</c>) is used as it is and nothing is started. Without one, Posture starts its own
/// PostgreSQL (<see cref="PrivatePostgres"/>) in <c>Posture:DataDirectory</c> (else env <c>POSTURE_DATA_DIR</c>; default per
/// user), from the server programs in <c>Posture:PostgresBin</c> (env <c>POSTURE_PG_BIN</c>) or the usual places, and
/// stops it again when disposed.
/// </summary>
public sealed class PostureDatabase : IAsyncDisposable, IDisposable
{
    public const string ConnectionStringEnvironmentVariable = "POSTURE_DB";
    public const string DataDirectoryEnvironmentVariable = "POSTURE_DATA_DIR";
    public const string DatabaseName = "posture";

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
            return new PostureDatabase(connectionString, null);
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

        return new PostureDatabase(server.ConnectionString(DatabaseName), server);
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
