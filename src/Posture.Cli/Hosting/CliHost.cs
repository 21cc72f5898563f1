using System.Diagnostics;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Posture.Infrastructure;
using Posture.Infrastructure.Bus;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Sites;
using Posture.Infrastructure.Storage;
using Spectre.Console;
using Wolverine;

namespace Posture.Cli.Hosting;

/// <summary>
/// The CLI's host: the same storage and bus as the HTTP API, without HTTP. Commands send the same command messages
/// through <see cref="IMessageBus"/> that the API's endpoints send.
/// </summary>
public static class CliHost
{
    /// <summary>
    /// The configured local user the CLI's commands act as (they write through the bus in process, not over HTTP):
    /// <c>Posture:Cli:User</c> (env <c>Posture__Cli__User</c> or <c>POSTURE_USER</c>), else <c>cli:</c> and the operating-system account.
    /// </summary>
    public static string CallerName(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration["Posture:Cli:User"] ?? Environment.GetEnvironmentVariable("POSTURE_USER");
        return string.IsNullOrWhiteSpace(configured) ? $"cli:{Environment.UserName}" : configured.Trim();
    }

    public static async Task<CliRuntime> StartAsync(CliEnvironment environment, PostureSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(settings);
        var configuration = new ConfigurationBuilder().AddConfiguration(environment.Configuration);
        if (settings.DataDirectory is { Length: > 0 } dataDirectory)
        {
            configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Posture:DataDirectory"] = dataDirectory });
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            Configuration = new ConfigurationManager(),
        });
        builder.Configuration.AddConfiguration(configuration.Build());

        // The console belongs to the command's output; only problems are logged, and to standard error.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var database = await PostureDatabase.OpenAsync(builder.Configuration, loggers.CreateLogger("Posture.Storage"), cancellationToken)
            .ConfigureAwait(false);
        IHost? host = null;
        try
        {
            builder.Services.AddPostureCore(database, environment.Clock, ThreatConfiguration.From(builder.Configuration));
            builder.UseWolverine(options =>
            {
                // Name the handlers' assembly: under a test runner or the benchmark the entry assembly is theirs, and
                // Wolverine would adopt it (with a warning) instead.
                options.ApplicationAssembly = typeof(PostureServices).Assembly;
                PostureServices.ConfigureBus(options);
            });
            host = builder.Build();
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return new CliRuntime(host, database.Description, CallerName(builder.Configuration));
        }
        catch
        {
            if (host is not null)
            {
                host.Dispose();
            }
            else
            {
                await database.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }
}

/// <summary>A started CLI host; disposing it stops the bus and, if Posture started one, the private PostgreSQL.</summary>
public sealed class CliRuntime(IHost host, string databaseDescription, string caller) : IAsyncDisposable
{
    /// <summary>Who the CLI's commands are recorded as sent by.</summary>
    public string Caller { get; } = caller;

    /// <summary>Sends a command on the bus as <see cref="Caller"/> (under an idempotency key, if given) and waits for its outcome.</summary>
    public Task<CommandOutcome> SendAsync(object command, string? idempotencyKey, CancellationToken cancellation) =>
        Bus.SendCommandAsync(command, Caller, idempotencyKey, cancellation: cancellation);

    public IServiceProvider Services => host.Services;

    public IMessageBus Bus => host.Services.GetRequiredService<IMessageBus>();

    /// <summary>Where the data is, in words for a person.</summary>
    public string DatabaseDescription { get; } = databaseDescription;

    /// <summary>How long <see cref="SettleAsync"/> waits at most.</summary>
    public static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Waits, at most <see cref="SettleLimit"/>, until the work the run's commands cascaded on the bus is done: the
    /// threat reassessments, and the alerts and evacuation recommendations they raise, are handled by this process
    /// before it exits, instead of waiting in the durable inbox for whichever host starts next. Answers how many
    /// messages were still waiting when it stopped waiting (0 when all were handled).
    /// </summary>
    public async Task<long> SettleAsync(CancellationToken cancellation)
    {
        var store = Services.GetRequiredService<IDocumentStore>();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            await using var session = store.QuerySession();
            var pending = (await session.QueryAsync<long>(
                $"select (select count(*) from {PostureStore.Schema}.wolverine_incoming_envelopes where status = 'Incoming') + (select count(*) from {PostureStore.Schema}.wolverine_outgoing_envelopes)",
                cancellation).ConfigureAwait(false)).Single();
            if (pending == 0 || waited.Elapsed >= SettleLimit)
            {
                return pending;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Says on <paramref name="console"/> what <see cref="SettleAsync"/> left waiting, if anything.</summary>
    public async Task SettleAsync(IAnsiConsole console, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (await SettleAsync(cancellation).ConfigureAwait(false) is > 0 and var left)
        {
            console.MarkupLine(
                $"[grey]{left} follow-up message(s) (threat reassessments, alerts) were still waiting after {SettleLimit.TotalSeconds:0} s; "
                + "they stay in the database for the next Posture host (posture serve) to handle.[/]");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync().ConfigureAwait(false);
        if (host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            host.Dispose();
        }
    }
}
