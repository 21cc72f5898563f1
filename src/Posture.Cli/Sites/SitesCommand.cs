using System.ComponentModel;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Posture.Cli.Hosting;
using Posture.Domain.Sites;
using Posture.Infrastructure.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Posture.Cli.Sites;

public sealed class SitesSettings : PostureSettings
{
    [CommandOption("--format <FORMAT>")]
    [Description("table (default) or json")]
    [DefaultValue("table")]
    public string Format { get; init; } = "table";

    public override ValidationResult Validate() =>
        Format is "table" or "json" ? ValidationResult.Success() : ValidationResult.Error($"--format must be table or json, not '{Format}'");
}

/// <summary><c>posture sites</c>: every site's posture now, as a table or JSON.</summary>
public sealed class SitesCommand(CliEnvironment environment) : AsyncCommand<SitesSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SitesSettings settings, CancellationToken cancellationToken)
    {
        await using var runtime = await CliHost.StartAsync(environment, settings, cancellationToken);
        await using var session = runtime.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var sites = await session.Query<SitePosture>().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        if (settings.Format == "json")
        {
            var options = PostureJson.Create();
            options.WriteIndented = true;
            environment.Console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(sites, options));
        }
        else
        {
            environment.Console.Write(SiteTable.Build(sites));
        }

        return ExitCodes.Ok;
    }
}
