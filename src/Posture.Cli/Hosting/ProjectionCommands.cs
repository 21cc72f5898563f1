using System.ComponentModel;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Posture.Infrastructure.Audit;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Posture.Cli.Hosting;

/// <summary>
/// <c>posture projections verify</c>: folds every recorded event with the domain folds in memory and compares the
/// result with the stored read models (SitePosture, IncidentLogEntry, Organisation), writing nothing. Prints every
/// difference and exits 1 when there is any.
/// </summary>
public sealed class ProjectionsVerifyCommand(CliEnvironment environment) : AsyncCommand<PostureSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PostureSettings settings, CancellationToken cancellationToken)
    {
        await using var runtime = await CliHost.StartAsync(environment, settings, cancellationToken);
        var store = runtime.Services.GetRequiredService<IDocumentStore>();
        var verification = await ProjectionAudit.VerifyAsync(store, cancellationToken);
        return ProjectionReport.Print(environment.Console, verification, "the stored read models");
    }
}

public sealed class ProjectionsRebuildSettings : PostureSettings
{
    [CommandOption("--verify")]
    [Description("Compare the live read models with the history before rebuilding (printing what the rebuild repairs), and the rebuilt ones after; exit 1 if either differs.")]
    public bool Verify { get; init; }
}

/// <summary>
/// <c>posture projections rebuild [--verify]</c>: rebuilds every read model and decision snapshot from the event log
/// in one pass (ProjectionRebuild). With <c>--verify</c>, the live read models are compared with the history first (every difference
/// is what the rebuild repairs) and the rebuilt ones after.
/// </summary>
public sealed class ProjectionsRebuildCommand(CliEnvironment environment) : AsyncCommand<ProjectionsRebuildSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ProjectionsRebuildSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await using var runtime = await CliHost.StartAsync(environment, settings, cancellationToken);
        var store = runtime.Services.GetRequiredService<IDocumentStore>();
        var console = environment.Console;
        var exitCode = ExitCodes.Ok;
        if (settings.Verify)
        {
            var before = await ProjectionAudit.VerifyAsync(store, cancellationToken);
            exitCode = ProjectionReport.Print(console, before, "the live read models");
        }

        if (console.Profile.Capabilities.Interactive)
        {
            await console.Progress().StartAsync(async progress =>
            {
                // Every projection is folded in the same pass, so they all run, and finish, together.
                var tasks = new List<ProgressTask>();
                await ProjectionAudit.RebuildAsync(store, names =>
                {
                    foreach (var name in names)
                    {
                        var task = progress.AddTask($"Rebuilding {name}", autoStart: true, maxValue: 1);
                        task.IsIndeterminate = true;
                        tasks.Add(task);
                    }

                    return Task.CompletedTask;
                }, cancellationToken);
                foreach (var task in tasks)
                {
                    task.IsIndeterminate = false;
                    task.Value = 1;
                    task.StopTask();
                }
            });
        }
        else
        {
            await ProjectionAudit.RebuildAsync(store, names =>
            {
                console.MarkupLine($"Rebuilding [bold]{Markup.Escape(string.Join(", ", names))}[/]...");
                return Task.CompletedTask;
            }, cancellationToken);
        }

        console.MarkupLine("Rebuilt every read model from the event log.");
        if (settings.Verify)
        {
            var after = await ProjectionAudit.VerifyAsync(store, cancellationToken);
            exitCode = Math.Max(exitCode, ProjectionReport.Print(console, after, "the rebuilt read models"));
        }

        return exitCode;
    }
}

/// <summary>How a verification is printed, and the exit code that goes with it.</summary>
internal static class ProjectionReport
{
    public static int Print(IAnsiConsole console, ProjectionVerification verification, string what)
    {
        var counts = $"{verification.Sites} sites, {verification.Incidents} incidents, {verification.Organisations} organisations";
        if (verification.Identical)
        {
            console.MarkupLine($"{Markup.Escape(what)}: {counts}: identical");
            return ExitCodes.Ok;
        }

        console.MarkupLine($"{Markup.Escape(what)}: {counts}: [red]{verification.Differences.Count} differ from the history[/]");
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Document").AddColumn("Id").AddColumn("What differs");
        foreach (var difference in verification.Differences)
        {
            table.AddRow(Markup.Escape(difference.Document), difference.Id.ToString(), Markup.Escape(difference.What));
        }

        console.Write(table);
        return ExitCodes.Refused;
    }
}
