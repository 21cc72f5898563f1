using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Posture.Infrastructure.Storage;

/// <summary>
/// Posture's own PostgreSQL server, started from the machine's installed server programs in a folder of its own
/// (the embedded default, used when no connection string is configured).
/// <para>
/// Layout of the root folder: <c>data/</c> (the cluster, owned by the user the server runs as), <c>password</c>
/// (the superuser's password, readable by the owner only) and <c>launcher.lock</c>. The server listens on a free
/// loopback port only, with password authentication and no Unix socket. PostgreSQL refuses to run as root, so when
/// Posture runs as root the server runs as the unprivileged <c>postgres</c> system user.
/// </para>
/// <para>
/// A second start finds the data again. If a server is already running on the folder (another Posture process, or
/// one left behind by a crash) it is reused and left running on dispose; a server this instance started is stopped.
/// </para>
/// </summary>
public sealed partial class PrivatePostgres : IAsyncDisposable
{
    private const string SuperUser = "postgres";
    private const string ServerSystemUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly PostgresBinaries _binaries;
    private readonly ILogger _logger;
    private readonly string? _runAs;
    private int _stopped;
    private volatile bool _stoppedOnPurpose;

    private PrivatePostgres(string root, PostgresBinaries binaries, string? runAs, int port, string password, bool startedHere, ILogger logger)
    {
        Root = root;
        _binaries = binaries;
        _runAs = runAs;
        Port = port;
        Password = password;
        StartedHere = startedHere;
        _logger = logger;
    }

    public string Root { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    public int Port { get; }

    public bool StartedHere { get; }

    private string Password { get; }

    /// <summary>The per-user default root: /var/lib/posture for root, else $XDG_DATA_HOME/posture (~/.local/share/posture).</summary>
    public static string DefaultRoot()
    {
        if (Environment.IsPrivilegedProcess)
        {
            return "/var/lib/posture";
        }

        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrWhiteSpace(dataHome))
        {
            dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(dataHome, "posture");
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Password = Password,
        Database = database,
    }.ConnectionString;

    /// <summary>Starts (or finds running) the server in <paramref name="root"/> and makes sure the database exists.</summary>
    public static async Task<PrivatePostgres> StartAsync(
        string root,
        string? binDirectory = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        root = Path.GetFullPath(root);
        Directory.CreateDirectory(root);
        var runAs = Environment.IsPrivilegedProcess ? ServerSystemUser : null;

        await using var startLock = await AcquireLockAsync(Path.Combine(root, "launcher.lock"), cancellationToken).ConfigureAwait(false);
        var dataDirectory = Path.Combine(root, "data");
        var existingVersion = ReadClusterVersion(dataDirectory);
        var binaries = PostgresBinaries.Locate(binDirectory ?? Environment.GetEnvironmentVariable("POSTURE_PG_BIN"), existingVersion);
        if (runAs is not null)
        {
            await EnsureSystemUserExistsAsync(runAs, cancellationToken).ConfigureAwait(false);
        }

        var password = await EnsurePasswordAsync(root, cancellationToken).ConfigureAwait(false);
        if (existingVersion is null)
        {
            await InitialiseClusterAsync(binaries, dataDirectory, runAs, password, logger, cancellationToken).ConfigureAwait(false);
        }

        if (await FindRunningPortAsync(dataDirectory, password, cancellationToken).ConfigureAwait(false) is { } runningPort)
        {
            LogReused(logger, runningPort, root);
            return new PrivatePostgres(root, binaries, runAs, runningPort, password, startedHere: false, logger);
        }

        var port = await StartServerAsync(binaries, dataDirectory, runAs, cancellationToken).ConfigureAwait(false);
        LogStarted(logger, port, root);
        return new PrivatePostgres(root, binaries, runAs, port, password, startedHere: true, logger);
    }

    /// <summary>Creates the database if it does not exist yet.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        await using var create = new NpgsqlCommand($"create database \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another process created it between the check and the create: that is what we wanted.
        }
    }

    /// <summary>
    /// Stops a server this instance started (fast shutdown: open connections are closed, as when an operator restarts
    /// it); <see cref="StartAgainAsync"/> brings it back on the same port. Used to test how Posture rides out an outage.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        RequireStartedHere();
        var result = await RunServerProgramAsync(_binaries.PgCtl, ["-D", DataDirectory, "-m", "fast", "-w", "stop"], _runAs, cancellationToken)
            .ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new PostureStartupException($"The private PostgreSQL did not stop: {result.Output.Trim()}");
        }

        _stoppedOnPurpose = true;
        LogStopped(_logger, Root);
    }

    /// <summary>Starts a server stopped by <see cref="StopAsync"/> again, on the same port, so connection strings stay valid.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        RequireStartedHere();
        var result = await RunServerProgramAsync(_binaries.PgCtl, StartArguments(DataDirectory, Port), _runAs, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new PostureStartupException(
                $"The private PostgreSQL did not start again: {result.Output.Trim()} (see {Path.Combine(DataDirectory, "server.log")})");
        }

        _stoppedOnPurpose = false;
        LogStarted(_logger, Port, Root);
    }

    /// <summary>Stops the server if this instance started it; a reused server is left running.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!StartedHere || Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        if (_stoppedOnPurpose)
        {
            return;
        }

        var result = await RunServerProgramAsync(_binaries.PgCtl, ["-D", DataDirectory, "-m", "fast", "-w", "stop"], _runAs, CancellationToken.None).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            LogStopFailed(_logger, result.Output.Trim());
        }
        else
        {
            LogStopped(_logger, Root);
        }
    }

    private void RequireStartedHere()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped) == 1, this);
        if (!StartedHere)
        {
            throw new InvalidOperationException("Only a server this instance started can be stopped and started again; this one was found running.");
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = TimeSpan.FromSeconds(120);
        var waited = TimeSpan.Zero;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited < deadline)
            {
                // Another Posture process is starting the same server; wait for it.
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                waited += TimeSpan.FromMilliseconds(200);
            }
        }
    }

    private static string? ReadClusterVersion(string dataDirectory)
    {
        var versionFile = Path.Combine(dataDirectory, "PG_VERSION");
        return File.Exists(versionFile) ? File.ReadAllText(versionFile).Trim() : null;
    }

    private static async Task EnsureSystemUserExistsAsync(string user, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync("id", ["-u", user], TimeSpan.FromSeconds(10), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new PostureStartupException(
                $"Posture runs as root, and PostgreSQL refuses to; it runs the server as the system user '{user}', which does not exist. " +
                "Install Debian's postgresql package (it creates that user), run Posture as an ordinary user, or set POSTURE_DB.");
        }
    }

    private static async Task<string> EnsurePasswordAsync(string root, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw NotOnWindows();
        }

        var path = Path.Combine(root, "password");
        if (File.Exists(path))
        {
            return (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
        }

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        await using (var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteAsync(password).ConfigureAwait(false);
        }

        return password;
    }

    private static async Task InitialiseClusterAsync(
        PostgresBinaries binaries, string dataDirectory, string? runAs, string password, ILogger logger, CancellationToken cancellationToken)
    {
        LogCreating(logger, dataDirectory);
        if (Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
        {
            throw new PostureStartupException($"{dataDirectory} is not empty but holds no PostgreSQL cluster; move it away or choose another data folder.");
        }

        if (OperatingSystem.IsWindows())
        {
            throw NotOnWindows();
        }

        if (runAs is null)
        {
            Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else
        {
            await RequireSuccessAsync("install", ["-d", "-o", runAs, "-g", runAs, "-m", "700", dataDirectory], null, cancellationToken).ConfigureAwait(false);
        }

        // initdb reads the password from a file the server's user can read; it lives only while initdb runs.
        var ownPasswordFile = Path.Combine(Path.GetDirectoryName(dataDirectory)!, "initdb-password.tmp");
        var passwordFile = runAs is null ? ownPasswordFile : ownPasswordFile + "." + runAs;
        try
        {
            await File.WriteAllTextAsync(ownPasswordFile, password + "\n", cancellationToken).ConfigureAwait(false);
            File.SetUnixFileMode(ownPasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            if (runAs is not null)
            {
                await RequireSuccessAsync("install", ["-o", runAs, "-g", runAs, "-m", "600", ownPasswordFile, passwordFile], null, cancellationToken)
                    .ConfigureAwait(false);
            }

            await RequireSuccessAsync(
                binaries.InitDb,
                ["-D", dataDirectory, "-U", SuperUser, "--auth=scram-sha-256", $"--pwfile={passwordFile}", "--encoding=UTF8", "--locale=C", "--no-instructions"],
                runAs,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(ownPasswordFile);
            File.Delete(passwordFile);
        }
    }

    private static async Task<int?> FindRunningPortAsync(string dataDirectory, string password, CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return null;
        }

        string[] lines;
        try
        {
            lines = await File.ReadAllLinesAsync(pidFile, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return null;
        }

        // postmaster.pid: line 1 the PID, line 4 the port.
        if (lines.Length < 4 || !int.TryParse(lines[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        var probe = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = SuperUser,
            Password = password,
            Database = "postgres",
            Timeout = 3,
            Pooling = false,
        };
        try
        {
            await using var connection = new NpgsqlConnection(probe.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return port;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            // A stale pid file from a crash; pg_ctl start clears it.
            return null;
        }
    }

    private static async Task<int> StartServerAsync(PostgresBinaries binaries, string dataDirectory, string? runAs, CancellationToken cancellationToken)
    {
        const int attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            var result = await RunServerProgramAsync(binaries.PgCtl, StartArguments(dataDirectory, port), runAs, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                return port;
            }

            if (attempt == attempts)
            {
                var log = Path.Combine(dataDirectory, "server.log");
                throw new PostureStartupException(
                    $"The private PostgreSQL did not start: {result.Output.Trim()} (see {log})");
            }

            // Most likely another program took the port between our probe and the server's bind: try another.
        }
    }

    private static string[] StartArguments(string dataDirectory, int port) =>
    [
        "-D", dataDirectory, "-l", Path.Combine(dataDirectory, "server.log"), "-w", "-t", "60",
        "-o", $"-p {port.ToString(CultureInfo.InvariantCulture)} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''", "start",
    ];

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task<ProcessRunner.Result> RunServerProgramAsync(
        string program, IReadOnlyList<string> arguments, string? runAs, CancellationToken cancellationToken, string? input = null) =>
        runAs is null
            ? ProcessRunner.RunAsync(program, arguments, CommandTimeout, input, cancellationToken)
            : ProcessRunner.RunAsync("runuser", ["-u", runAs, "--", program, .. arguments], CommandTimeout, input, cancellationToken);

    private static async Task RequireSuccessAsync(
        string program, IReadOnlyList<string> arguments, string? runAs, CancellationToken cancellationToken, string? input = null)
    {
        var result = await RunServerProgramAsync(program, arguments, runAs, cancellationToken, input).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new PostureStartupException($"'{Path.GetFileName(program)}' failed (exit {result.ExitCode}): {result.Output.Trim()}");
        }
    }

    private static PostureStartupException NotOnWindows() =>
        new("The private PostgreSQL runs on Linux and macOS; on Windows set POSTURE_DB to a connection string.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the private PostgreSQL already running on 127.0.0.1:{Port} (data: {Root})")]
    private static partial void LogReused(ILogger logger, int port, string root);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started a private PostgreSQL on 127.0.0.1:{Port} (data: {Root})")]
    private static partial void LogStarted(ILogger logger, int port, string root);

    [LoggerMessage(Level = LogLevel.Information, Message = "Creating a private PostgreSQL cluster in {DataDirectory}")]
    private static partial void LogCreating(ILogger logger, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped the private PostgreSQL (data: {Root})")]
    private static partial void LogStopped(ILogger logger, string root);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping the private PostgreSQL failed: {Output}")]
    private static partial void LogStopFailed(ILogger logger, string output);
}
