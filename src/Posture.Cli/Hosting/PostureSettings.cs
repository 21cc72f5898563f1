using System.ComponentModel;
using Spectre.Console.Cli;

namespace Posture.Cli.Hosting;

/// <summary>Options every command that touches the database shares.</summary>
public class PostureSettings : CommandSettings
{
    [CommandOption("--data-dir <PATH>")]
    [Description("Folder of Posture's private PostgreSQL (default: /var/lib/posture as root, ~/.local/share/posture otherwise). Ignored when POSTURE_DB is set.")]
    public string? DataDirectory { get; init; }
}
