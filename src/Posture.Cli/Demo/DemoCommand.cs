using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Posture.Cli.Hosting;
using Posture.Cli.Sites;
using Posture.Domain.Common;
using Posture.Domain.Sites;
using Posture.Infrastructure.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Json;

namespace Posture.Cli.Demo;

/// <summary>
/// <c>posture demo</c>: records the seed story as commands on the bus, then shows the sites and Balad's read model.
/// Safe to run again: steps already in the record are recognised and skipped.
/// </summary>
public sealed class DemoCommand(CliEnvironment environment) : AsyncCommand<PostureSettings>
{
    public static readonly Guid Balad = Guid.Parse("0b1ad000-0000-4000-8000-000000000001");

    public override async Task<int> ExecuteAsync(CommandContext context, PostureSettings settings, CancellationToken cancellationToken)
    {
        var console = environment.Console;
        var steps = DemoScript.Load();
        await using var runtime = await CliHost.StartAsync(environment, settings, cancellationToken);
        console.MarkupLine($"[bold]Posture demo[/]: the seed story, recorded on {Markup.Escape(runtime.DatabaseDescription)}.");
        console.WriteLine();

        foreach (var (step, number) in steps.Select((step, index) => (step, index + 1)))
        {
            // Each step has its own idempotency key: a second run gets the first run's outcome back.
            var outcome = await runtime.SendAsync(step.Command, $"seed-story/step-{number}", cancellationToken);
            switch (outcome.Rejection)
            {
                case null when outcome.Replayed:
                    console.MarkupLine($"  [grey]already recorded[/]  {Markup.Escape(step.Title)}");
                    break;
                case null:
                    console.MarkupLine($"  [green]recorded[/]  {Markup.Escape(step.Title)}");
                    break;
                case { Kind: RejectionKind.Conflict }:
                    // The demo's ids are fixed: a conflict means an earlier run already recorded this step.
                    console.MarkupLine($"  [grey]already recorded[/]  {Markup.Escape(step.Title)}");
                    break;
                case { } rejection:
                    console.MarkupLine($"[red]refused[/]: {Markup.Escape(step.Title)}: {Markup.Escape(rejection.Reason)}");
                    return ExitCodes.Refused;
            }
        }

        await using var session = runtime.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var sites = await session.Query<SitePosture>().ToListAsync(cancellationToken);
        console.WriteLine();
        console.Write(SiteTable.Build(sites, "Sites now"));

        var balad = await session.LoadAsync<SitePosture>(Balad, cancellationToken);
        console.WriteLine();
        console.MarkupLine("[bold]Balad Air Base's read model[/] (what GET /api/sites/" + Balad + " answers):");
        console.Write(new JsonText(JsonSerializer.Serialize(balad, PostureJson.Create())));
        console.WriteLine();
        console.WriteLine();
        console.MarkupLine("Next: [bold]posture serve[/] and open http://127.0.0.1:5000/api/sites, or read docs/ (README.md lists them).");
        return ExitCodes.Ok;
    }
}
