using System.ComponentModel;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Posture.Api.Http;
using Posture.Api.Sites;
using Posture.Cli.Hosting;
using Posture.Infrastructure.Json;
using Posture.Infrastructure.Sites;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Posture.Cli.Sites;

public sealed class SitesSettings : PostureSettings
{
    [CommandOption("--format <FORMAT>")]
    [Description("table (default) or json")]
    [DefaultValue("table")]
    public string Format { get; init; } = "table";

    [CommandOption("--at <INSTANT>")]
    [Description("The instant to show, ISO-8601 UTC (default: now), e.g. 2021-02-20T20:00:00Z")]
    public string? At { get; init; }

    public override ValidationResult Validate()
    {
        if (Format is not ("table" or "json"))
        {
            return ValidationResult.Error($"--format must be table or json, not '{Format}'");
        }

        var query = new QueryParameters();
        query.Instant(At, "--at");
        return query.Problem is null ? ValidationResult.Success() : ValidationResult.Error($"--at '{At}' is not an ISO-8601 UTC instant such as 2021-02-20T20:00:00Z");
    }
}

/// <summary><c>posture sites</c>: every site's posture now (or <c>--at</c>), as a table or JSON.</summary>
public sealed class SitesCommand(CliEnvironment environment) : AsyncCommand<SitesSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SitesSettings settings, CancellationToken cancellationToken)
    {
        var at = new QueryParameters().Instant(settings.At, "--at") ?? environment.Clock.GetCurrentInstant();
        await using var runtime = await CliHost.StartAsync(environment, settings, cancellationToken);
        var sites = await SiteRows.AtAsync(runtime.Services, at, cancellationToken);
        if (settings.Format == "json")
        {
            var options = PostureJson.Create();
            options.WriteIndented = true;
            environment.Console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(sites, options));
        }
        else
        {
            environment.Console.Write(SiteTable.Build(sites, $"Sites at {SiteTable.Format(at)}"));
        }

        return ExitCodes.Ok;
    }
}

/// <summary>The rows of the site table at an instant, exactly as <c>GET /api/sites?at=</c> answers them.</summary>
public static class SiteRows
{
    public static async Task<IReadOnlyList<SiteSummary>> AtAsync(IServiceProvider services, NodaTime.Instant at, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var session = services.GetRequiredService<IDocumentStore>().QuerySession();
        var snapshot = await services.GetRequiredService<SiteReader>().AllAsync(session, cancellation);
        return snapshot.Sites.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => SiteViews.Summary(snapshot, s, at)).ToList();
    }
}
