using Microsoft.Extensions.Configuration;
using NodaTime;
using Posture.Infrastructure;
using Spectre.Console;

namespace Posture.Cli.Hosting;

/// <summary>
/// What every command runs with: configuration (environment variables such as POSTURE_DB, POSTURE_DATA_DIR), the
/// console it writes to, where problems go (standard error) and the clock. Tests hand in their own.
/// </summary>
public sealed record CliEnvironment(IConfiguration Configuration, IAnsiConsole Console, TextWriter Error, IClock Clock)
{
    public static CliEnvironment FromProcess()
    {
        var console = AnsiConsole.Console;
        if (System.Console.IsOutputRedirected)
        {
            // Written to a file or a pipe, tables are not squeezed into 80 columns.
            console.Profile.Width = 160;
        }

        return new CliEnvironment(new ConfigurationBuilder().AddEnvironmentVariables().Build(), console, System.Console.Error, SystemClocks.System);
    }
}
