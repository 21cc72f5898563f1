using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Posture.Cli.Hosting;
using Posture.Cli.Sites;
using Posture.Domain.Common;
using Posture.Api.Sites;
using Posture.Infrastructure.Sites;
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
        var story = DemoScript.Load();
        await using var runtime = await CliHost.StartAsync(environment, settings, cancellationToken);
        console.MarkupLine($"[bold]Posture demo[/]: the seed story, recorded on {Markup.Escape(runtime.DatabaseDescription)}.");
        console.WriteLine();

        foreach (var (step, number) in story.Steps.Select((step, index) => (step, index + 1)))
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

        await runtime.SettleAsync(console, cancellationToken);

        // The posture at each moment of the story, as GET /api/sites?at= answers it: watch the levels change.
        foreach (var moment in story.Moments)
        {
            console.WriteLine();
            console.Write(SiteTable.Build(await SiteRows.AtAsync(runtime.Services, moment.At, cancellationToken), moment.Label));
        }

        var night = story.Moments.Single(m => m.At.InUtc().Date == new NodaTime.LocalDate(2021, 2, 20)).At;
        await using var session = runtime.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var snapshot = await runtime.Services.GetRequiredService<SiteReader>().AroundAsync(session, Balad, cancellationToken);
        var balad = SiteViews.Detail(snapshot!, snapshot!.Site(Balad)!, night);
        var options = PostureJson.Create();
        console.WriteLine();
        console.MarkupLine($"[bold]Balad Air Base's read model on the night of the attack[/] (GET /api/sites/{Balad}?at={NodaTime.Text.InstantPattern.ExtendedIso.Format(night)}):");
        console.Write(new JsonText(JsonSerializer.Serialize(balad, options)));
        console.WriteLine();
        console.WriteLine();
        console.MarkupLine("Next: [bold]posture serve --dev[/] (insecure, no token needed; for this machine only) and open http://127.0.0.1:5000/api/sites, [bold]posture sites --at 2021-02-20T20:00:00Z[/], or read docs/ (README.md lists them).");
        return ExitCodes.Ok;
    }
}
