using Posture.Cli.Audit;
using Posture.Cli.Auth;
using Posture.Cli.Demo;
using Posture.Cli.Hosting;
using Posture.Cli.Import;
using Posture.Cli.Sites;
using Posture.Infrastructure.Storage;
using Spectre.Console.Cli;

namespace Posture.Cli;

/// <summary>The <c>posture</c> command line: its commands, help and exit codes.</summary>
public static class PostureCli
{
    public static Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("posture");
            config.Settings.Console = environment.Console;
            config.Settings.Registrar.RegisterInstance(environment);
            config.Settings.StrictParsing = true;
            config.SetExceptionHandler((exception, _) => Report(environment.Error, exception));
            config.AddExample("demo");
            config.AddExample("sites", "--format", "json");
            config.AddExample("import", "acled-iraq-2021.csv", "--radius-km", "25", "--report", "rejected.csv");
            config.AddExample("projections", "verify");
            config.AddExample("audit", "verify");
            config.AddExample("serve", "--urls", "http://127.0.0.1:5000");
            config.AddExample("token", "--user", "j.smith", "--role", "officer");

            config.AddCommand<DemoCommand>("demo")
                .WithDescription("Record the seed story (Balad, Erbil, February 2021) and show each site's read model. Safe to run twice.")
                .WithExample("demo")
                .WithExample("demo", "--data-dir", "/tmp/posture-demo");
            config.AddCommand<SitesCommand>("sites")
                .WithDescription("Show every site: region, incidents, last incident.")
                .WithExample("sites")
                .WithExample("sites", "--format", "json");
            config.AddCommand<ImportCommand>("import")
                .WithDescription("Import incidents from an ACLED export (CSV): each attack near a registered site is recorded once, however often the file is imported.")
                .WithExample("import", "acled-iraq-2021.csv")
                .WithExample("import", "acled-iraq-2021.csv", "--radius-km", "10", "--report", "rejected.csv");
            config.AddBranch("audit", audit =>
            {
                audit.SetDescription("State a site's posture at a moment (as known now or at --known-at), who recorded what drives it, and what was recorded later that changed it; or, with --what-if, its daily level under other threat constants. `audit verify` proves the stored history was not altered.");
                audit.SetDefaultCommand<AuditCommand>();
                audit.AddExample("audit", "--site", "Balad Air Base", "--at", "2021-02-20T18:00:00Z");
                audit.AddExample("audit", "--site", "Balad Air Base", "--at", "2021-02-20T18:00:00Z", "--format", "md", "--out", "balad.md");
                audit.AddExample("audit", "--site", "Balad Air Base", "--from", "2021-02-01T00:00:00Z", "--to", "2021-05-01T00:00:00Z", "--what-if", "half-life=90d");
                audit.AddCommand<AuditVerifyCommand>("verify")
                    .WithDescription("Walk every stream and recompute each event's hash from the one before it; list every event altered, deleted or stripped of its hash, exit 1 if any. Prints an anchor to record outside the database. Writes nothing.")
                    .WithExample("audit", "verify")
                    .WithExample("audit", "verify", "--anchor", "1234:<digest printed by an earlier run>")
                    .WithExample("audit", "verify", "--heads");
            });
            config.AddBranch("db", db =>
            {
                db.SetDescription("Posture's database: where it is, what it holds, its schema.");
                db.AddCommand<DatabaseInfoCommand>("info")
                    .WithDescription("Show where the data is and how many events, streams, sites, incidents, alerts and dead letters it holds.")
                    .WithExample("db", "info");
                db.AddCommand<DatabaseApplyCommand>("apply")
                    .WithDescription("Create or update Posture's tables (every command also does this when it starts).")
                    .WithExample("db", "apply");
            });
            config.AddBranch("projections", projections =>
            {
                projections.SetDescription("The read models (sites, incidents, organisations): prove they match the event log, or rebuild them from it.");
                projections.AddCommand<ProjectionsVerifyCommand>("verify")
                    .WithDescription("Fold every recorded event in memory and compare with the stored read models; print every difference, exit 1 if any. Writes nothing.")
                    .WithExample("projections", "verify");
                projections.AddCommand<ProjectionsRebuildCommand>("rebuild")
                    .WithDescription("Rebuild every read model from the event log (run it when nobody records). --verify compares before and after; exit 1 if anything differed.")
                    .WithExample("projections", "rebuild")
                    .WithExample("projections", "rebuild", "--verify");
            });
            config.AddCommand<ServeCommand>("serve")
                .WithDescription("Serve the HTTP API (JSON, ProblemDetails for errors). Callers need a bearer token (posture token) signed with Posture__Auth__SigningKey; --dev accepts anyone (insecure, for a local demo).")
                .WithExample("serve")
                .WithExample("serve", "--urls", "http://0.0.0.0:8080")
                .WithExample("serve", "--dev");
            config.AddCommand<TokenCommand>("token")
                .WithDescription("Mint a bearer token for the HTTP API with the configured signing key (Posture__Auth__SigningKey); prints the token alone.")
                .WithExample("token", "--user", "j.smith", "--role", "officer")
                .WithExample("token", "--user", "a.jones", "--role", "viewer", "--role", "auditor", "--hours", "2");
        });
        return app.RunAsync(args, cancellationToken);
    }

    /// <summary>One plain line on standard error naming the problem, and the exit code that goes with it.</summary>
    private static int Report(TextWriter error, Exception exception)
    {
        var (code, message) = exception switch
        {
            PostureStartupException e => (ExitCodes.Usage, e.Message),
            CommandParseException or CommandRuntimeException => (ExitCodes.Usage, exception.Message + " (posture --help lists the commands)"),
            _ => (ExitCodes.Failure, $"unexpected error: {exception.GetType().Name}: {exception.Message}"),
        };
        error.WriteLine($"posture: {message}");
        return code;
    }
}
