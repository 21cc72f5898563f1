using System.ComponentModel;
using Posture.Api;
using Spectre.Console.Cli;

namespace Posture.Cli.Hosting;

public sealed class ServeSettings : PostureSettings
{
    [CommandOption("--urls <URLS>")]
    [Description("Where to listen (semicolon-separated)")]
    [DefaultValue("http://127.0.0.1:5000")]
    public string Urls { get; init; } = "http://127.0.0.1:5000";

    [CommandOption("--dev")]
    [Description("INSECURE, for a demo on your own machine: accept every request without a token, name the caller by its X-Posture-User header (default \"developer\") and grant every role (Posture:Auth:Mode=Development)")]
    public bool Development { get; init; }
}

/// <summary><c>posture serve</c>: the HTTP API, exactly as the Posture.Api host runs it.</summary>
public sealed class ServeCommand : AsyncCommand<ServeSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, ServeSettings settings, CancellationToken cancellationToken)
    {
        List<string> args = ["--urls", settings.Urls];
        if (settings.DataDirectory is { Length: > 0 } dataDirectory)
        {
            args.Add($"--Posture:DataDirectory={dataDirectory}");
        }

        if (settings.Development)
        {
            args.Add("--Posture:Auth:Mode=Development");
        }

        return PostureApi.RunAsync([.. args]);
    }
}
