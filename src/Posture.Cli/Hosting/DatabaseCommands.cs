using System.Globalization;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Posture.Infrastructure.Marten;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Posture.Cli.Hosting;

/// <summary>
/// <c>posture db info</c>: where Posture's data is and how much of it there is (events, streams, sites, incidents,
/// alerts, and messages that failed and wait in the dead-letter table).
/// </summary>
public sealed class DatabaseInfoCommand(CliEnvironment environment) : AsyncCommand<PostureSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PostureSettings settings, CancellationToken cancellationToken)
    {
        await using var runtime = await CliHost.StartAsync(environment, settings, cancellationToken);
        await using var session = runtime.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var table = new Table().Border(TableBorder.Rounded).AddColumn("What").AddColumn(new TableColumn("How many").RightAligned());
        foreach (var (what, sql) in Counts)
        {
            var count = (await session.QueryAsync<long>(sql, cancellationToken)).Single();
            table.AddRow(what, count.ToString("#,0", CultureInfo.InvariantCulture));
        }

        environment.Console.MarkupLine($"Data: {Markup.Escape(runtime.DatabaseDescription)}, schema [bold]{PostureStore.Schema}[/].");
        environment.Console.Write(table);
        return ExitCodes.Ok;
    }

    private static readonly (string What, string Sql)[] Counts =
    [
        ("events", $"select count(*) from {PostureStore.Schema}.mt_events"),
        ("streams", $"select count(*) from {PostureStore.Schema}.mt_streams"),
        ("sites", $"select count(*) from {PostureStore.Schema}.mt_doc_siteposture"),
        ("incidents (as now believed)", $"select count(*) from {PostureStore.Schema}.mt_doc_incidentlogentry"),
        ("alerts", $"select count(*) from {PostureStore.Schema}.mt_doc_alert"),
        ("dead letters (messages that failed)", $"select count(*) from {PostureStore.Schema}.wolverine_dead_letters"),
    ];
}

/// <summary>
/// <c>posture db apply</c>: creates or updates Posture's tables in the database (every other command does it too
/// when it starts; this one does only that, for an operator preparing a new server).
/// </summary>
public sealed class DatabaseApplyCommand(CliEnvironment environment) : AsyncCommand<PostureSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PostureSettings settings, CancellationToken cancellationToken)
    {
        await using var runtime = await CliHost.StartAsync(environment, settings, cancellationToken);
        await runtime.Services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        environment.Console.MarkupLine($"Schema [bold]{PostureStore.Schema}[/] is up to date on {Markup.Escape(runtime.DatabaseDescription)}.");
        return ExitCodes.Ok;
    }
}
