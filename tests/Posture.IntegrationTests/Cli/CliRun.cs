using Microsoft.Extensions.Configuration;
using NodaTime.Testing;
using Posture.Cli;
using Posture.Cli.Hosting;
using Posture.IntegrationTests.Infrastructure;
using Spectre.Console.Testing;

namespace Posture.IntegrationTests.Cli;

/// <summary>Runs <c>posture</c> in process with its own configuration, console and error writer, and keeps what it printed.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    /// <summary>Runs it as a script or a pipe would: output is not a terminal.</summary>
    public static Task<CliRun> RunAsync(IDictionary<string, string?> configuration, params string[] args) =>
        RunAsync(configuration, onATerminal: false, args);

    /// <summary>Runs it as a person at an interactive terminal would (progress bars are shown).</summary>
    public static Task<CliRun> RunOnATerminalAsync(IDictionary<string, string?> configuration, params string[] args) =>
        RunAsync(configuration, onATerminal: true, args);

    private static async Task<CliRun> RunAsync(IDictionary<string, string?> configuration, bool onATerminal, string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 240;
        console.Profile.Capabilities.Interactive = onATerminal;
        var error = new StringWriter();
        var environment = new CliEnvironment(
            new ConfigurationBuilder().AddInMemoryCollection(configuration).Build(), console, error, new FakeClock(PostureHost.Now));
        var exitCode = await PostureCli.RunAsync(args, environment);
        return new CliRun(exitCode, console.Output, error.ToString());
    }

    /// <summary>A usage problem: exit code 2, and one line on standard error that names <paramref name="problem"/>.</summary>
    public void ShouldBeOneLineUsageError(string problem)
    {
        ExitCode.ShouldBe(2, Error);
        Error.Trim().Split('\n').Length.ShouldBe(1, Error);
        Error.ShouldStartWith("posture: ");
        Error.ShouldContain(problem);
    }
}
